-- wrk script: POST one generic-webhook question, keep-alive unless CLOSE=1
wrk.method = "POST"
wrk.body = '{"text":"how long is emr training","user":"u1","channel":"c1"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
if os.getenv("CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end
