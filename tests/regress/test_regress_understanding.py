#!/usr/bin/env python3
"""Regression: questions the shipped knowledge once answered wrongly, each with the
topic it must reach or None where it must be declined. Run through the real binary's
`ask --json`; one line per fixed misreading, with what went wrong before.

usage: test_regress_understanding.py BINARY"""
import json
import os
import subprocess
import sys

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

CASES = [
    # a higher EMT level answered with the EMT's own figure (parent fallback)
    ("how many hours is aemt training", None),
    ("how long is the emt-intermediate course", None),
    # ... while EMT-Basic is the EMT: its facts stand
    ("how long is emt-b training", "emt-course-length"),
    # the role asked about comes first; a lower one named after it is no stand-in
    ("how long is paramedic school after emt", None),
    ("how long does paramedic school take after emt like how many months is it usually", None),
    # "emt-advanced training" is no "advanced training" (command roles)
    ("hw many hours is aemt training", None),
    # the order of the levels, not who arrives first
    ("which comes first, EMR or EMT?", "emr-prerequisite"),
    # one question after a quiz lead-in is read without it (was "exam details, not covered")
    ("quiz me: which level comes after EMT?", "emt-next-step"),
    ("test me: what does NREMT stand for?", "nremt"),
    # the job's conditions are not in the notes, an ambulance named or not (was the
    # EMT's ambulance answer); EMS the courier is off-topic (was "nobody is an EMS")
    ("What shift pattern do ambulance crews usually work, like 24 on 48 off?", None),
    ("How many pounds do EMTs have to be able to lift to get hired?", None),
    ("how do I track an EMS express mail package from China?", None),
    # "the name emr first used" is history, not EMR-first (was emr-prerequisite)
    ("when was the name emergency medical responder first used", "emr-history"),
    ("which came first, the EMR role or the name 'Emergency Medical Responder'?", "emr-history"),
    # "what else are they called" asks for other names (was pre-hospital care)
    ("what else are emergency medical responders called i heard first responder something", "emr-other-names"),
    # a game's paramedics are off-topic (was community paramedicine)
    ("I've been playing Two Point Hospital and my paramedics keep getting stuck in hallways. "
     "How do I fix the pathing?", None),
    # the writer's country is no question about it (was the not-covered decline)
    ("UK reader: in the US is 'EMS' an organisation or a type of person?", "ems-not-a-person"),
    # pay stays declined with a dispatcher named (was pre-hospital care)
    ("which pays more in Chicago, an EMT or a 911 dispatcher?", None),
    # "can a e m t": the article and an EMT, not an AEMT (was no fact for the AEMT)
    ("can a e m t drive the ambulance or is that somebody else", "emt-ambulance"),
    # a source's advice on EMR first (was the prerequisite answer)
    ("Axon recommends everyone do EMR first, don't they?", "emr-value"),
    ("are there more EMTs or more of other roles within EMS?", "emt-largest-share"),
    ("do all states recognize aemt", "emt-levels"),
    # "the textbook explanation" is where they read it, not a question about books
    # (was declined as study materials)
    ("I'm studying for my EMT course and keep seeing the phrase 'definitive care'. The textbook "
     "explanation went right over my head. What does it refer to?", "definitive-care"),
    # emergency medicine is no medicine to give (was naloxone)
    ("EMR abbreviation in emergency medicine", "emr-definition"),
    ("which professionals are part of emergency medical services", "ems-not-a-person"),
    ("do EMTs ever get promoted to the boss chair or is it ambulance forever", "emt-command-roles"),
    ("My roommate is an EMT and says she's usually the first real healthcare worker patients meet. "
     "Is that normal?", "emt-first-on-scene"),
    # "the firefighter article says" names a source, not a fire crew (was fire rescue)
    ("@jo you asked who shows up first. the firefighter article says EMTs usually do, but doesn't the "
     "other one call EMRs the first line?", "emt-first-on-scene"),
    ("is paramedic like the top of the ambulance ppl or r docs usually on there too", "paramedic-most-advanced"),
    ("My friend works ambulance shifts and got temporarily pulled into a command role during a big incident. "
     "Is that normal for people in that job?", "emt-command-roles"),
    # a first responder before another level is the EMR (was pre-hospital care)
    ("Do you have to be a first responder before doing EMT-Basic?", "emr-prerequisite"),
    # a drug's dose or route is clinical, whatever else is said of the role (was naloxone)
    ("Specify the correct intranasal naloxone dose an EMR administers.", None),
    ("What does a first responder do on a cybersecurity incident response team?", None),
    # an intent's `not` also keeps the model off its topic (was the NREMT, by the model)
    ("what is the national registry of historic places", None),
    ("what's the national registry of nurses", None),
    # EMS on a dashboard, EMT in electronics, EMR software logins: other meanings
    ("my car's ems light is on what does it mean", None),
    ("whats the emt in electronics", None),
    ("how do i fix my emr epic login", None),
    # the EMR described, never named: a first aid team at work, someone who helps until the
    # ambulance comes (were firefighters, "I don't know that one", EMT duties)
    ("at a big fire, could the people from our company's first aid team join the firefighters in the rescue?",
     "emr-fire-rescue"),
    ("my friend volunteers at the school football games as the medical person who helps until the ambulance "
     "comes. what role is that usually?", "emr-definition"),
    ("our HR lady says the first-aid team members are 'part of EMS'. are they really full members of the system?",
     "emr-bridge"),
    # the ambulance tech is the EMT (was whether EMTs drive)
    ("do the ambulance techs only handle medical stuff or also injuries from accidents?", "emt-duties"),
    ("a lady came to check on my grandma at home after her hospital stay, she said she was a paramedic - "
     "is that normal?", "community-paramedicine"),
    ("the med student i know did a rotation on an ambulance. was he the top clinician there?",
     "paramedic-most-advanced"),
    ("my teacher said EMS goes all the way to the doctor who gives final care. is that right?", "ems-definition"),
    ("my sister wants to be a paramedic - how long is paramedic school after EMT?", None),
    ("what does an average paramedic's favorite TV show tend to be? we're planning a party", None),
    # off-topic questions that borrow EMS words (were answered: the NREMT, licensing,
    # firefighters, pre-hospital care)
    ("How do I push an image to a private Docker registry?", None),
    ("How do I sign up for the bone marrow donor registry?", None),
    ("Microsoft EMS E3 vs Microsoft 365 E3, which license includes Intune?", None),
    ("What is an FAA aircraft dispatcher license and how hard is the exam?", None),
    ("finish this joke: why did the EMT break up with the ambulance...", None),
    ("Who won last year's firefighters vs paramedics charity hockey game in Boston?", None),
    ("Write a regex in JavaScript to validate a phone number and also allow 911.", None),
    ("How do I set up a 'first responder' on-call rotation in PagerDuty for our SRE team?", None),
    # ... while a game as a workplace stays in
    ("could i bump into an emr at a high school football game", "emr-workplaces"),
    # dropped letters and sound-alikes (were "I don't know that one")
    ("emr othr names", "emr-other-names"),
    ("how many ours is the e m r training", "emr-training-length"),
    ("In which place the EMR are working usually?", "emr-workplaces"),
    ("The EMT can give medicines to the patient or no?", "emt-duties"),
    # the first step towards paramedic (was the paramedic's definition)
    ("paramedic first step", "become-paramedic"),
    # a paramedic's visit at home, not an emergency: community paramedicine
    ("A paramedic came to my grandmother's house for a check-up, and it wasn't even an emergency. "
     "Is that something paramedics do now?", "community-paramedicine"),
    ("my manager wants our whole shift to get emr certified. will someone come teach us here or do we have to go to a college?",
     "emr-training-where-who"),
    # "out there" is the other state the backstory moves to (was the one-state decline)
    ("I got my EMT card in Texas last spring. My wife got a job in Colorado and we'll move in the fall. "
     "Is my Texas certification going to be enough out there?", "state-certification"),
    # a small or farm town is rural; why a role matters there (was declined)
    ("my dad is a volunteer EMR in a tiny farm town. why does that role matter so much out there?", "emr-value"),
    # pushing drugs is clinical whatever topic word comes with it (was BLS/ALS); what a
    # school costs is not in the notes (was the paramedic's definition)
    ("what als drugs do medics push in cardiac arrest and how much", None),
    ("unrelated but how much is paramedic school in seattle", None),
    # how much training is its length (was "no such figure")
    ("how much training does an emt need", "emt-course-length"),
    # dictation spells acronyms out: four or more letters in a row are one word (was
    # "what is the and are emt")
    ("what is the n r e m t", "nremt"),
    # an EMT level ranked against the EMT is the levels' order (was "no fact for AEMT")
    ("is an aemt higher than an emt", "emt-levels"),
    # "my instructor said ..." reports a claim: the instructor is not the question (was
    # who teaches EMR); who the instructors are still is
    ("my instructor said emr used to be called medical first responder, true?", "emr-history"),
    ("who are the instructors for emr", "emr-training-where-who"),
    # an army or combat medic is no paramedic: the notes do not cover military roles (was
    # EMT vs paramedic); a plain medic still is one
    ("I was an army medic, how does a civilian EMT compare?", None),
    ("what do medics do", "paramedic-duties"),
    # where to begin: most begin as EMTs (was declined); "start as an emr before emt" is
    # still the EMR-before-EMT question
    ("should i do emt first", "ems-career-start"),
    ("do i do emr or emt first", "ems-career-start"),
    ("does everyone start as an emr before emt", "emr-prerequisite"),
    # a parent asking: the levels in EMS, the training for first aid at an office (both
    # were declined)
    ("my son is thinking about ems, what are the levels he could go through", "ems-roles-overview"),
    ("my wife wants to help at her office if someone collapses, what training would that be",
     "emr-training-content"),
    # where paramedics work (was "no fact"); a paramedic school's length is still no fact,
    # its "school" no workplace; what is above a paramedic (was declined)
    ("where do paramedics usually work", "paramedic-workplaces"),
    ("how long is paramedic school after emt", None),
    ("how many years of school is paramedic", None),
    ("what's above a paramedic", "paramedic-most-advanced"),
    # working in a hospital asks where the role works (was declined)
    ("do emts work in hospitals", "emt-workplaces"),
    # the question word last: "doing what", "do what things" (was declined)
    ("emts be doing what on scene fr", "emt-duties"),
    ("The EMT, he do what things on the place of emergency?", "emt-duties"),
    # ... but "do what an EMT does" is a relative clause, not a duties question
    ("is every EMS worker trained to do what an EMT does?", "ems-vs-emt"),
    # "jr" is junior; which department runs ambulance services
    ("is an emr basically a jr emt or nah", "emr-prerequisite"),
    ("which department sometimes runs the ambulance service?", "firefighters-ems"),
    # the lowest level on an ambulance, with the role named in between (was the EMT's)
    ("what's the lowest level of first responder allowed to operate on an ambulance?", "emr-ambulance"),
    ("which comes first emt or paramedic", "emt-vs-paramedic"),
    ("wich one comes first to emergancy emr or emt", "emt-first-on-scene"),
    # one school's or one place's particulars
    ("wen is the nxt emt class at st petes colege", None),
    ("which comes first in the Austin Community College EMT sequence, the skills lab or the lecture block?", None),
    ("RE: Spring schedule -- does anyone know what days the evening EMT class meets next semester?", None),
    ("Are US EMT certifications recognised by the NHS if I move to Manchester?", None),
    ("is emr training done at a college, or on the job?", "emr-training-where-who"),
    # another job, another sense of the letters, a clinical step
    ("what's the difference between an EMT and a CNA? trying to decide which to do", None),
    ("is emt conduit fine for garage wiring or do i need the rigid stuff?", None),
    ("which comes first in a trauma assessment, airway or bleeding control?", None),
    ("hw mch naloxone do u giv intranasl", None),
    # how wide EMS is: doctors, nurses, dispatchers (were unmatched, or the ambulance-doctor topic)
    ("are doctors part of ems", "ems-definition"),
    ("is the MD at the ED part of EMS?", "ems-definition"),
    ("My doubt is regarding EMS - does it cover only the ambulance or also the doctor at hospital?", "ems-definition"),
    ("are there doctors on ambulances", "paramedic-most-advanced"),
    # the question after an email's lead-in, not the ride-along in it (was training content)
    ("RE: ride-along paperwork - Hi Prof, quick one before Thursday: for the ambulance ride-along, are EMTs "
     "the ones who actually drive the rig, or is that paramedic only? Best regards, Priya (Section B)", "emt-ambulance"),
    # what a training covers, asked with "train on", "focus on", "use aeds" (were unmatched)
    ("what do emrs mostly train on", "emr-training-content"),
    ("what do emr courses focus on", "emr-training-content"),
    ("do emrs use aeds", "emr-training-content"),
    ("are emts trained for breathing emergencies", "emt-training-clinical"),
    ("how long do emts train for", "emt-course-length"),
    # a question with no role or training word of its own, after a backstory (was unmatched)
    ("my dad works at a factory and they want him to do emr training but he's worried about missing a bunch "
     "of shifts. how much time does it take", "emr-training-length"),
    # driving is the ambulance (was scope of practice)
    ("my uncle insists only paramedics are allowed to drive the ambulance. are EMTs allowed to drive it?",
     "emt-ambulance"),
    ("year emr terminology went nationwide", "emr-history"),
    # a tag question, and "gym" alone is no fitness EMS (was declined as muscle stimulation)
    ("a guy at my gym says he's an emr and that he's 'basically part of ems full time'. is he?", "emr-bridge"),
    ("do ems suits at the gym work", None),
    # the scope growing; "always a paramedic"; who runs ambulances; recognised locally (were unmatched
    # or another role's fact)
    ("are paramedics getting to do more stuff these days", "paramedic-scope"),
    ("is the list of things emts can do getting bigger", "scope-of-practice"),
    ("is an emt always a paramedic", "emt-vs-paramedic"),
    ("who runs ambulance services", "firefighters-ems"),
    ("are emt certs only recognized locally", "state-certification"),
    # the EMT ladder named by its levels (was the EMS overview); moving into management is no
    # move between states, and "nobody in EMS" no "nobody is an EMS"
    ("EMT-B vs AEMT vs EMT-P, what's the ladder?", "emt-levels"),
    ("nobody in EMS ever moves into management, right? once an EMT always just an EMT?", "emt-command-roles"),
    ("can someone be an ems", "ems-not-a-person"),
    # situational questions that name no role, or name it only in passing
    ("my son wants to get into ems but start with the shortest possible course. what's the quickest cert?",
     "emr-training-length"),
    ("whats the quickest way to become a paramedic", "become-paramedic"),
    ("my boss wants me to be the designated first aid person on our warehouse floor. what kind of training "
     "would that be", "emr-training-content"),
    ("I want to do more than EMT eventually. What do most people in EMS aim to become?", "become-paramedic"),
    ("my teacher wants someone certified to handle emergencies on field trips. would an emr make sense for that",
     "emr-workplaces"),
    ("my uncle says he works in ems but he's not an emt. how is that possible?", "emt-largest-share"),
    ("does an ambo crew usually have a paramedic on it", "paramedic-most-advanced"),
    ("my cousin wants to work on an ambulance but has zero medical training, what should she train as first?",
     "ems-career-start"),
    # Spanglish
    ("oye una pregunta, cuántas horas es el training de EMR? mi jefe quiere que lo tome", "emr-training-length"),
    ("ok so para ser paramedic, tengo que ser EMT primero?", "become-paramedic"),
    ("mi amiga dice que el training de EMT toma como 2 años, is that right?", "emt-course-length"),
    ("what is community para medicine", "community-paramedicine"),
    # the role's own fact that says every word asked (was "no fact for the paramedic")
    ("do paramedics work on ambulances", "paramedic-workplaces"),
    ("aemt hours", None),
    # the same letters in another field: EMR clusters, EMT in cell biology, the AED
    # (dirham), ALS the disease, cloud certificates, a game's medic (were answered)
    ("how do I set up an AWS EMR cluster for spark jobs", None),
    ("what is EMT in cancer metastasis", None),
    ("what is the AED to USD rate today", None),
    ("who started the ALS ice bucket challenge", None),
    ("how do i get certified in aws", None),
    ("whats the best medic loadout in battlefield 2042", None),
    ("how do those building energy management systems for hvac work", None),
    ("what is the difference between bls and als", "bls-als"),
    ("can emrs use an aed", "emr-training-content"),
    # "does ems include X": the overview says it includes them (the answer lacked "includes")
    ("does ems include paramedics and emts both", "ems-roles-overview"),
    # another profession's training or pay is not in the notes (was pre-hospital care)
    ("how long is 911 dispatcher training", None),
    ("what certification do 911 call takers need", None),
    ("how long does it take to become a firefighter", None),
    ("do firefighters need emt certification", "firefighters-ems"),
    ("what does a 911 dispatcher do", "prehospital-911"),
    # recertifying is not in the notes (was the EMT course's length)
    ("EMT recert every how many years?", None),
    # a quiz or a textbook as the reason for asking is no question about it (was "not covered")
    ("emr vs emt whats the main difference in like one sentence, quiz is in 10 min", "emr-vs-emt"),
    ("do emrs go by any other names bc i keep seeing different terms in old textbooks", "emr-other-names"),
    ("whats on the nremt exam", None),
    # taking charge of a big incident is the EMT's command roles (was "I don't know")
    ("when an ambulance provider with extra qualifications gets pulled off regular duty to help run a big incident, what kind of role do they move into?", "emt-command-roles"),
    # hurt "on shift" is no question about shifts
    ("do emrs help coworkers who get hurt on shift", "emr-duties"),
    # the same letters elsewhere: the BLS's jobs report, ALS in Spark, the do-not-call
    # registry, a dental office's records, a Porsche 911 (were answered)
    ("when does the BLS put out the monthly jobs report, and where can I download the raw numbers?", None),
    ("what does ALS mean in spark MLlib and how do I tune the rank parameter?", None),
    ("signing up for the national do not call registry stops all robocalls, right?", None),
    ("what's the best EMR for a small dental office, we're switching off paper charts", None),
    ("Porsche 911 reliability", None),
    # EMR as someone's prerequisite, whatever for (was the EMT course's length)
    ("my advisor said I should knock out an EMR course over the summer as a prereq. is that true?", "emr-prerequisite"),
    # the 911 dispatcher as part of EMS is how wide EMS is (was pre-hospital care)
    ("is the 911 dispatcher technically part of EMS or nah", "ems-definition"),
    # "on the quiz" is a reason for asking; trained "somewhere"; "isnt technically an
    # emergency"; who runs the ambulances; doctors "r they ems"; an ambulance's speed limit
    ("is ems the same thing as emt, i keep mixing them up on the quiz and its killing me", "ems-vs-emt"),
    ("do emrs get trained somewhere special", "emr-training-where-who"),
    ("do ems folks ever get involved in stuff that isnt technically an emergency yet", "ems-non-emergency"),
    ("are ambulances always run by hospitals or private companies or what", "firefighters-ems"),
    ("the doctors at the hospital, r they ems too??", "ems-definition"),
    ("whats the speed limit for ambulances w lights on", None),
    # "the firefighter article" is the article, not firefighters (was firefighters as EMTs)
    ("i keep mixing these up and my exam is friday. the firefighter guy's article had a simple way to tell EMS and EMT apart, something like one is the whole thing and one is... what was the gist?", 'ems-definition'),
    ("who wrote the ems vs emt firefighter article", "about-sources"),
    # "dose" before a subject is "does" (was declined as clinical); a dispatcher's salary;
    # ALS "the disease"; CPR the railway; one first responder asked what it is or may do
    ("dose nremt help if i moov staets", "nremt"),
    ("what's the average salary of a 911 dispatcher?", None),
    ("what is ALS the disease, and who started the ice bucket challenge?", None),
    ("what does CPR stand for in the railroad world, and when was that railway founded?", None),
    ("can a first responder (EMR) legally work on an ambulance at all?", "emr-ambulance"),
    ("is a first responder just a baby EMT?", "emr-prerequisite"),
    ("what dose of narcan do emrs give", None),
    # the EMR between the public and the ambulance teams is the bridge; a national
    # thing or organisation that registers is the NREMT (were other topics)
    ("the workplace first aid person is described as sitting between the general public and the ambulance teams - what word does the article use for that?", "emr-bridge"),
    ("if someone in the most common ambulance role wants to work in a different state, is there some national thing that makes that easier?", "nremt"),
    ("the national organization that registers ambulance techs from all over - what's its full name?", "nremt"),
    # helping with the heavy interventions is advanced life support (was the EMT levels)
    ("the crew members who ride along and help the top-level medic with the heavy interventions - what kind of care are they supporting?", "bls-als"),
    # where the EMR especially mattered: rural places (was the EMR's training length)
    ("if the nearest EMT crew is 45 minutes out because of distance, what kind of community does the long article say especially benefited from EMRs?", "emr-value"),
    ("my town is super far from any hospital and the ambulance takes forever. why does the article say the basic first-aid responder level was especially important there?", "emr-value"),
    # the EMR described by its workplace safety team, or by first aid kept up until the
    # ambulance team takes over (were "I don't know")
    ("if my factory asks me to join its health and safety group, what cert might I end up getting?", "emr-definition"),
    ("a coworker gives basic first aid to someone who got sick on the job and keeps at it until the ambulance team takes over. what's that role called?", "emr-other-names"),
    ("911 dispatcher vs EMT, are both part of EMS?", "prehospital-911"),
    # the firefighter's article names its brands
    ("lol the firefighter article plugs smoke detectors, which brand", "firefighter-home-safety"),
    ("does the firefighter author not make any money off the products they link?", "firefighter-home-safety"),
    # "the long article" says nothing of length; "paid training time" nothing of pay
    ("with all the overdoses in my town, our site first responder asked if she could carry Narcan. I said I'd ask the group. does the long article say EMRs can give it?", "emr-naloxone"),
    ("if my job gives me 60 hours of paid training time, could I fit EMR training into that per the long article?", "emr-training-length"),
    # a crew member moved into command, and after the incident (was "I don't know")
    ("there's a crew member with qualifications beyond their usual role who gets moved into a command spot during a big incident. what happens once the incident is resolved?", "emt-command-roles"),
    # the medical person standing by at games or on a factory floor is the EMR
    ("my roommate wants to be the medical person standing by at football games or on a factory floor. which role from the first article fits that best?", "emr-workplaces"),
    # short texting forms ("evry emt levl", "pasing scor"); "1 guy"; "main emr focus"
    ("do all staets recognise evry emt levl", "emt-levels"),
    ("wats the pasing scor 4 the nremt", None),
    ("is ems teh whole systm or 1 guy", "ems-not-a-person"),
    ("main EMR focus?", "emr-training-content"),
    ("whats an emr's main focus compared to an emt? and how many questions r on the test", "emr-vs-emt"),
    # "too broad" was read "too abroad" (another country): how wide EMS is
    ("does the whole chain count, from the person answering the emergency line all the way to the doctor at the hospital, or is that too broad to call 'EMS'?", "ems-definition"),
    # whoever takes the 911 call, and whether they are EMS: how wide EMS is (was pre-hospital care)
    ("dispatchers aren't really part of EMS, right?", "ems-definition"),
    ("the person who picks up the phone when you call 911 - do they technically count as part of EMS?", "ems-definition"),
    # the firefighter article's home-safety advice and Amazon links (no topic had them)
    ("lol the firefighter article randomly plugs home safety stuff, what did he recommend?", "firefighter-home-safety"),
    ("the firefighter article guy is an amazon affiliate?", "firefighter-home-safety"),
    ("whats a good fire extinguisher for my apartment", None),
    ("Kidde or First Alert smoke detector for a 2 bedroom apartment?", None),
    # "who are you more likely to find" is no "who are you" (was small talk)
    ("between EMRs and EMTs, who are you more likely to find stationed at schools and industrial sites?", "emr-workplaces"),
    ("Axon's take on EMR", "emr-value"),
    # a paid job is no question about pay (was "not covered")
    ("which level is basically the starting point for almost everyone who wants a paid job in ambulance work?", "ems-career-start"),
    ("why won't a lot of ambulance services hire first responders, according to axon?", "emr-hiring-contact"),
    ("there's a trend where the highest-level ambulance providers start seeing patients at home, what's that called?", "community-paramedicine"),
    # a weakly read question in a message that is plainly off-topic (was where medics work)
    ("in Football Manager how much wage should I give my head physio, and do better medics actually reduce injury time in the game?", None),
    ("what time do Axon's evening EMT classes start and is parking free?", None),
    # the EMR described by what it does until the ambulance comes (was firefighters)
    ("the workplace person trained to do first aid until the ambulance arrives, can they join the fire crews on rescue operations?", "emr-fire-rescue"),
    ("the guy who does cpr until the medics show up at my gym, what cert is that", "emr-definition"),
    # 2026-12-06 (third session), blind24: "the place they take you for the full
    # treatment, what's that called" is definitive care (was "nobody is an EMS")
    ("after they stabilize you at the scene, the place they take you for the full treatment, what's that called in EMS lingo?", "definitive-care"),
    # employers not wanting EMRs: the hiring topic (was the EMR's worth)
    ("a recruiter kinda laughed when I said I was thinking about just doing EMR. Why wouldn't they want EMRs?", "emr-hiring-contact"),
    # care until help comes, no role named: the EMR (was who arrives first)
    ("the sawmill wants a few workers trained to handle stuff till help arrives. what's that role called", "emr-definition"),
    ("least advanced person on an ambulance", "emr-ambulance"),
    # "real quick" is chat filler, not a question about length (was EMT course length)
    ("I have a chem midterm Friday, nothing to do with our EMT stuff. Can you walk me through balancing redox equations real quick?", None),
    ("do most ff's also do emt stuff", "firefighters-ems"),
    ("the guys at the firehouse said hardly any of their runs are actual fires. what are they mostly getting dispatched to?", "firefighters-ems"),
    ("In my intro class the prof said EMTs aren't all of EMS and I didn't get it. If EMTs are most of EMS, who else is even in EMS besides them?", "ems-definition"),
    ("someone on our crew had to step off the rig and coordinate the whole scene at a pileup. what's going on there?", "emt-command-roles"),
    # the author is the sources' question (was the firefighter's home-safety advice)
    ("who is the author", "about-sources"),
    # why the EMR mattered for far-off places, with or without the role named (was the
    # EMR's workplaces, or "I don't know")
    ("in a rural town where the ambulance takes forever because of distance, which role was supposed to help cover that gap?", "emr-value"),
    ("my town is super far from any hospital and the ambulance takes forever. why does the article say the basic first-aid responder level was especially important for places like mine?", "emr-value"),
    ("which role has the smaller, narrowly defined skillset and supports rather than leads the medical effort?", "emr-bridge"),
    ("what kind of interventions do emts help deliver", "emt-duties"),
    # blind26's declines: EMS in electronics, gift registries, screenplays, a drug for a
    # condition in learner's grammar, CPR ratios, age, an exam's difficulty
    ("What does EMS mean in electronics?", None),
    ("My sister's getting married in June and put me in charge of the registry. How do I set one up at Target?", None),
    ("I'm writing a screenplay where the main character is a paramedic. Can you help me write the dialogue for that scene?", None),
    ("What medicine the paramedic give for the heart attack?", None),
    ("yo whats the ratio for infant cpr again", None),
    ("I'm 17 and want to start an EMT course this summer. Am I old enough to take it?", None),
    ("ngl is the NREMT harder than the nclex?", None),
    # "end up doing" is no place patients end up (was definitive care)
    ("The guy in my cohort who runs the safety committee at his job already has an EMR card. How do people usually end up getting that?", "emr-training-where-who"),
    ("I was reading a history bit for my intro class and apparently the EMR level didn't always exist?? My instructor mumbled something about the Department of Transportation and then the bell rang. Why did they end up creating it?", "emr-history"),
    # a grandpa laughing at the name is no employer turning EMRs down (was hiring)
    ("My grandpa was a 'medical first responder' at the paper mill and he laughs that everyone says EMR now. When did the name actually switch over?", "emr-history"),
    # "the article of the firefighter" names a source, not fire rescue
    ("In the article of the firefighter, EMR is a 'bridge' - bridge between what and what?", "emr-bridge"),
    ("lowkey confused, the axon ppl said don't do EMR?? why tho", "emr-value"),
    # what to do for a collapse until the ambulance comes is first aid: declined
    ("A guy at work passed out and started shaking all over last week. What should I do next time until the ambulance arrives?", None),
    ("I got certified in Florida and I'm relocating to Oregon. What could happen with my EMT status when I get there?", "state-certification"),
    ("are medics the highest trained people on the truck usually", "paramedic-most-advanced"),
    ("do people with EMT-B usually teach the EMR classes", "emr-training-where-who"),
    ("what will they teach me in an emr course", "emr-training-content"),
    ("is 'EMS' a specific cert you can get or more of a general term", "ems-not-a-person"),
    # the firefighter's calls, named by his shopping links (was his home-safety advice)
    ("I read that long article by the firefighter guy (the one with all the smoke detector affiliate links lol). He mentions his own job at one point - what does he say most of the calls they get dispatched to are for?", "firefighters-ems"),
    ("when her husband called 911 a cop car, a fire engine AND an ambulance all showed up. is that just how it works, who usually gets sent out?", "prehospital-911"),
    # a first responder at a workplace, a first-response level: the EMR
    ("what does a first responder at a factory actually do all day when someone gets hurt", "emr-duties"),
    ("My friend lifeguards at the city pool and just needs to keep people going until the ambulance shows up. What does that first-response level of training usually cover?", "emr-training-content"),
    # "emt-i" is EMT-Intermediate (was the EMT's state licence)
    ("is EMT-I recognized in every state", "emt-levels"),
    # what a role does when it arrives, in learner's grammar too (was who arrives first)
    ("What is doing the EMT when he arrive first to the accident?", "emt-duties"),
    ("what do emts do when they get there first", "emt-duties"),
    ("who gets there first, the emt or the emr", "emt-first-on-scene"),
    # a second question's "they" is the first's role when that reads better than the
    # clause alone ("fire service": was the firefighters' EMS work)
    ("can EMRs give narcan, and can they go on rescue calls with the fire service?", "emr-naloxone"),
    # declines: lists of states, state statistics, the NREMT's own history, the BLS's
    # price index; "sam" is "same"
    ("which state has more EMTs per capita, texas or california?", None),
    ("when was the NREMT founded? and who started it?", None),
    ("why doesn't the BLS consumer price index include house prices directly?", None),
    ("do most states recognize the nremt", "nremt"),
    ("is emr sam as emt tho", "emr-vs-emt"),
    # why EMR training suits an employer: the EMR's worth (was its content)
    ("My dad runs a small factory and really doesn't want his workers out of the building for weeks of class. What makes EMR training convenient for someone like him?", "emr-value"),
    ("EMTs aren't the entire EMS discipline though right?", "emt-largest-share"),
    ("is emt the same thing as ems", "ems-vs-emt"),
]

# conversations: the last turn's topic (None: declined)
DIALOGS = [
    # the question read again for the new role finds its own fact (was EMR duties)
    (["can emts give meds", "what about emrs"], "emr-naloxone"),
    # an attribute switch still holds where the re-read finds nothing of the role's own
    (["how long is emr training", "and for emts?"], "emt-course-length"),
    # other workers named alone after an EMS answer: how wide EMS is (was the 911 topic)
    (["are emts part of ems", "and 911 dispatchers?"], "ems-definition"),
    (["what does ems cover exactly", "does it include doctors?"], "ems-definition"),
    # ... and another profession is declined (was the ambulance-doctor topic)
    (["what are emrs", "what about nurses"], None),
    # a why about the last answer stays on it (was where to start in EMS: "want to be")
    (["what's the national registry", "why would i want to be on it"], "nremt"),
    # after an EMS-wide answer, the conversation's EMS is no role to look a fact up for
    # (was "no fact for EMS")
    (["what decides the level of care an ems worker can give", "is it the same everywhere"], "scope-of-practice"),
    # "they" for the conversation's role, with another role named after it (was "no fact
    # for paramedics"); a role named before the pronoun is what it means
    (["what do emts get trained on", "ok fine, do they work with paramedics?"], "emt-ambulance"),
    (["who do emrs wait for on scene", "and emts, who do they work with"], "emt-ambulance"),
    # "they" after a role named in the same question is that role (was the last answer's EMR)
    (["who do emrs hand over to", "and emts, who do they work with"], "emt-ambulance"),
    # who an EMR works with: until the EMT crew takes over (was the EMR's workplaces)
    (["do emts work with paramedics", "what about emrs"], "emr-duties"),
    # a clinical question with a pronoun stays declined
    (["what emergencies do emts manage", "so for a cardiac arrest what drugs do they push and in what order"], None),
    # "when did it catch on everywhere" after the old name: the role's history (read with
    # the conversation's role), which says 2015
    (["what was the emr called before", "when did that change", "and when was the new name used everywhere"],
     "emr-history"),
    # "and after that?" after the EMT step is the next step (was "no fact for EMT")
    (["how do i become a paramedic", "how long does that first step take", "and after that?"], "emt-next-step"),
    # "why not emrs" after who transports: the switch to the EMR's transport (was the
    # EMR's worth)
    (["do emrs take patients to the hospital", "who does then", "why not emrs"], "emr-transport"),
    # a follow-up that is a dose once read with the earlier question is declined (was
    # answered with an EMR topic)
    (["can emrs give naloxone", "how much do they give"], None),
    (["can emrs give naloxone", "where do emrs work"], "emr-workplaces"),
    # why the EMT's training is longer: what it adds over the EMR's (was the length again)
    (["how many hours is an emr course", "what about for emts", "why is it so much longer?"], "emr-vs-emt"),
    (["what kind of communities benefited most from the emr role"], "emr-value"),
    # a switch of role followed by a clause that sets the scene again is still a switch
    # (was "who arrives first")
    (["what does an emr do when someone gets hurt at work", "and an emt when they get there?"], "emt-duties"),
    # "it" in a conversation with no role is its subject, not one role's topic (was
    # EMT-Advanced's "not all states recognize every level")
    (["what is the nremt", "is it recognized in every state", "so what does it help with"], "nremt"),
    # a follow-up in form whose words no topic uses is about something else (was the last
    # topic again)
    (["what is ems", "write me a python script that sorts a list"], None),
    # a switch leaves the earlier question read for its role: "and paramedics" after
    # "what about emts" is not the first question's EMR again
    (["do emrs go on fire rescue calls", "what about emts", "and paramedics"], "firefighters-ems"),
    # a question that needs a role takes the conversation's (was the EMR on ambulances again)
    (["what's the lowest level that can work on an ambulance", "do services hire them",
      "would you recommend going that route"], "emr-value"),
    # "it" after a role's definition is that role (was the NREMT)
    (["what's an aemt", "do all states recognize it"], "emt-levels"),
    # a correction is a switch to the role meant (was declined)
    (["does every state recognize the emt-intermediate level", "sorry meant aemt"], "emt-levels"),
    (["how long is emr training", "sorry i meant emts"], "emt-course-length"),
    # a switch the last topic declares ("followups" naming the role): EMR-only topics
    # have no EMT fact to look up (were the EMT's course length, the EMR's answer again)
    (["are emrs full time ems members", "what about emts"], "emt-largest-share"),
    (["are emrs considered full members of the ems system", "and emts?"], "emt-largest-share"),
    (["do ambulance services hire emrs", "and emts?"], "ems-career-start"),
    (["can emrs give naloxone", "and emts?"], "emt-duties"),
    (["who makes up the largest share of ems", "and what about paramedics"], "paramedic-definition"),
    # a switch of nothing but a role with no such fact: said plainly (was the medic's
    # other names)
    (["how long does emr training take", "and for emts?", "what about medics"], None),
    # "why not" says nothing of its own: the last answer's reasons (was a declared switch's
    # topic, read with the earlier question)
    (["are emrs full members of ems", "why not"], "emr-bridge"),
    # a follow-up the last topic declares comes before the model's reading alone (was
    # the EMS overview)
    (["top emt level?", "and the lowest?"], "emt-basic-definition"),
    # two words and no role lean on the turn before (was EMR training's length)
    (["first step to paramedic?", "how long?"], "emt-course-length"),
    # a yes/no check in the last answer's own words: the last answer (was EMS vs paramedic)
    (["wht does ems cover exactly", "does that include the dispatcher"], "ems-definition"),
    (["whats the 180 hr course", "why didnt employers like sending staff on it"], "emr-value"),
    (["wat abt first responders"], None),
    (["can emts give meds", "wat abt first responders"], "emr-naloxone"),
    (["why would an emt get pulled off their normal job", "do they go back after"], "emt-command-roles"),
    (["where do emt students get their training hours", "is it all online or in person"], "emt-training-clinical"),
    # which drugs a role gives is a protocol's list (was community paramedicine)
    (["what is community paramedicine", "what meds can a paramedic give at home"], None),
    (["is emr training worth it", "write me a cover letter for an emt job"], None),
    (["first step to paramedic?", "how long?", "and emt to medic, how many yrs"], None),
    # a follow-up with no words of its own never says "no fact" for a fact the model
    # misread (was "my notes don't cover that for EMT")
    (["can emts give medications", "all of them?"], "emt-duties"),
    # a weak pattern answer gives way to the pronoun's reading (was the EMT's definition)
    (["what is a paramedic", "how do they differ from emts"], "emt-vs-paramedic"),
    # a comparison word and one role: compared with the conversation's role (was the
    # EMT's duties)
    (["what do paramedics do", "how is that different from emts"], "emt-vs-paramedic"),
    # an AED's energy setting and which drugs a community paramedic gives are protocols
    (["do emts handle cardiac stuff", "what shock energy do i set the aed to for adults"], None),
    (["what is community paramedicine", "what meds can a community paramedic give at home"], None),
    # the DOT in 1995 is the EMR's history (was "I don't know that one")
    (["what did the dot do in 1995"], "emr-history"),
    (["were emrs especially important anywhere"], "emr-value"),
    (["what decides an ems worker's level of care", "ok new one, does axon like emr training"], "emr-value"),
    # a workplace's first responder is the EMR (was "I don't know that one")
    (["hey so my job at the factory wants me to be a first responder thing, whats that",
      "how long would the class be"], "emr-training-length"),
    # a role's fact that needs the role, read with the conversation's (was EMR training)
    (["how do u usually become an emr", "does the dot have anything 2 do w it"], "emr-history"),
    # sport's finals are off-topic, whatever came before (was the EMR's history)
    (["who created the emr role", "cool. who won the world series that year"], None),
    (["what does emr stand for in ems", "and in hospital software, how do those records get stored?"], None),
    # a correction after a fact the first role has not (was "I don't know that one":
    # "oops" read as "ops", and no question kept after "no fact")
    (["when was the emt role created", "oops meant emr"], "emr-history"),
    (["when was the emt role created", "sorry i meant emrs"], "emr-history"),
    # nothing but a role is a switch; a first question declined keeps its question for
    # it (was the EMT as the first step to paramedic)
    (["how long is paramedic school", "ok emt then?"], "emt-course-length"),
    # word for word a follow-up the last topic declares: its topic, before any pattern
    # ("first" on scene, "on it" an EMR's training)
    (["what are the emt certification levels", "which is the first one"], "emt-basic-definition"),
    (["who runs ambulance services", "who's on it?"], "emt-ambulance"),
    # a weak reading (one cue, the role from the conversation) gives way to the
    # question read with that role named (was the EMT course's length again)
    (["how long is emt training", "ok and does the training include ambulance ride time"], "emt-training-clinical"),
    # "diff kinds" ("diff" read as "difference") are the EMT levels (was "no fact" for other names)
    (["whats another name for emrs", "what about emts are there diff kinds"], "emt-levels"),
    # in a conversation nothing but a role is a switch before it is that role's taught
    # example (was the paramedic's other names); "next to them" is beside, not after
    (["how long does emr training take", "what about emt-basic", "paramedic?"], None),
    (["what is an emt", "paramedic?"], "paramedic-definition"),
    (["whos the most advanced person normally on an ambulance crew", "ok so what do the emts do next to them"],
     "emt-duties"),
    (["how long is paramedic school", "what about emts then"], "emt-course-length"),
    # ... but a decline after an answer keeps the answer's context for coming back
    (["what do emts do", "how much do emts make", "what about paramedics?"], "paramedic-duties"),
    # a level of the conversation's role is that role (was what an EMT is)
    (["which emt level comes right after basic", "is it recognized in every state"], "emt-advanced-definition"),
    # corrections that open "no the", "i was asking about" (was the EMR's training content)
    (["how many hours is an emt basic course", "no the emr course"], "emr-training-length"),
    (["what do emts do", "i was asking about paramedics"], "paramedic-duties"),
    # a why asked with only a reason's words is about the last answer (was the EMR's worth)
    (["should i get nremt if i might move states later", "why does it matter"], "nremt"),
    (["what is the nremt", "how come thats important"], "nremt"),
    # asking the last answer for more (was a paramedic's definition)
    (["what is community paramedicine", "meaning?"], "community-paramedicine"),
    (["what is community paramedicine", "what do you mean"], "community-paramedicine"),
    # the paramedic's job heading somewhere is community paramedicine (was "I don't know")
    (["whats the new trend for paramedics"], "community-paramedicine"),
    # a `not` keeps the model's follow-up reading off its topic too (was the article's advice)
    (["can an emr do rescue with the fire dept", "whats a good fire extinguisher for my apartment"], None),
    # an answer about one role without naming it in the question carries that role on
    # (was the EMS overview, or "no fact for the paramedic")
    (["what's the largest group of workers in ems", "do they always stay in that role?"], "emt-command-roles"),
    (["who's usually the first licensed healthcare worker you see in an emergency", "do they work w paramedics"],
     "emt-ambulance"),
    # "it" after a question about the EMR role as a role is that role (was the NREMT)
    (["when did the emr role start", "who created it", "what was the point of it"], "emr-value"),
    # doubt of the last answer ("really? that short?") is the last topic again (was
    # "EMT is short for ...")
    (["how long does emt training take", "really? that short?"], "emt-course-length"),
    (["do firefighters also do ems stuff", "whats the writer's job"], "firefighters-ems"),
    # a correction that asks its own question is read for its own words (was "I don't
    # know"); a bare question word asks the earlier question with it
    (["what do emts do at a scene", "no wait, i meant what ems is as a whole"], "ems-definition"),
    (["who teaches emr classes", "nah i meant where"], "emr-training-where-who"),
    (["how long is emt training", "no i meant paramedics"], None),  # a change of role: no such fact
    # the other clinicians on an ambulance (was "EMTs can drive the ambulance")
    (["who else rides ambulances besides emts and medics"], "paramedic-most-advanced"),
    # what is special about a role is what the role is (was "I don't know")
    (["do most ems workers want to become paramedics", "why, whats so special about medics"], "paramedic-definition"),
    # what people go on to after the EMT step (was the largest share)
    (["how long is emt training", "does it include clinical stuff", "and after that what do most ppl go for"], "emt-next-step"),
    # an object "it" is the last topic's subject, after a decline too (was the EMR's scope)
    (["can emrs give narcan", "whats the narcan dose for an adult", "ok so why are emrs allowed to give it at all"], "emr-naloxone"),
    # "and after that" after what EMTs do first: what they do next (was the career's next step)
    (["what do emts do first when they roll up to a scene", "and after that"], "emt-duties"),
    # "it" after a question about the term "emr" is the role (was the EMR as a prerequisite)
    (["the term emr came out when", "what was it before that"], "emr-other-names"),
    # "training?" on its own after a role's answer: its length
    (["i kinda wanna be an emr, what is it", "training?"], "emr-training-length"),
    # moving states with a pronoun for the certification (was "I don't know")
    (["how do emts qualify", "does that carry over if i move"], "state-certification"),
    # dialogs-v (2026-12-06, third session): a name switching is the EMR's history; "em"
    # is "them"; which states allow something is not in the notes; "why would they be
    # allowed to" asks the last answer's reasons; an anime pick is off-topic
    (["what were emrs called before they were emrs", "when did the name switch"], "emr-history"),
    (["what are the different emt levels", "which one is the top", "does every state use all of em"], "emt-levels"),
    (["is narcan something an emr can give", "which states let them"], None),
    (["in some states emrs can give naloxone right?", "why would they be allowed to"], "emr-naloxone"),
    (["what is an emergency medical responder", "recommend me a good anime to watch"], None),
    # "how often" after an answer that says how often in words ("sometimes ... the
    # exception"): that answer, not "no figure"
    (["who else rides ambulances besides emts and medics", "how often"], "paramedic-most-advanced"),
    # "the 180 one" asks the hours: the length (was the EMT's clinical training)
    (["is emr training 180 hours", "oh my bad i was thinking of the emt basic course, is that the 180 one"], "emt-course-length"),
]

out = subprocess.run([BOT, "ask", "--json"], input="\n".join(q for q, _ in CASES) + "\n",
                     capture_output=True, text=True, cwd=SRC, timeout=60).stdout.splitlines()
failed = 0
for (q, want), line in zip(CASES, out):
    a = json.loads(line)
    got = a.get("topic") if a.get("matched") else None
    if got != want:
        failed += 1
        print(f"FAIL {q!r}: wanted {want}, got {got} ({a.get('answer', '')[:100]!r})")
for turns, want in DIALOGS:
    lines = [ln for ln in subprocess.run([BOT, "chat", "--json"], input="\n".join(turns) + "\n", capture_output=True,
                                         text=True, cwd=SRC, timeout=60).stdout.splitlines() if ln.startswith("{")]
    a = json.loads(lines[-1]) if len(lines) == len(turns) else {}
    got = a.get("topic") if a.get("matched") else None
    if got != want or (turns[-1].endswith("used everywhere") and "2015" not in a.get("answer", "")):
        failed += 1
        print(f"FAIL {' / '.join(turns)!r}: wanted {want}, got {got}")
if len(out) != len(CASES):
    failed += 1
    print(f"FAIL {len(out)} answers for {len(CASES)} questions")
print(f"{len(CASES) + len(DIALOGS) - failed}/{len(CASES) + len(DIALOGS)} questions and conversations read as they should")
sys.exit(1 if failed else 0)
