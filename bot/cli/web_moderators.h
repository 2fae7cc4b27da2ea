/*
 * web_moderators.h - who may sign in to the moderators' web view: NAME:TOKEN pairs
 * from [web] moderators and, one a line, from the file [web] moderators_file
 * (read once at start; blank lines and lines starting with '#' skipped).
 *
 *   web_moderators_load()   reads and checks the file ("FILE:LINE: message" on errors)
 *   web_moderator_find()    the name whose token was given (every token compared, in
 *                           constant time each)
 *   web_moderators_count()  how many there are
 */
#ifndef STUDYBOT_WEB_MODERATORS_H
#define STUDYBOT_WEB_MODERATORS_H

#include <stddef.h>

#include "buf.h"

#define WEB_MODERATORS_FILE_MAX (64 * 1024)

struct config;

/* *text gets the file's content (free() it; NULL for no file); 0, or -1 with the
 * problems appended to errors */
int web_moderators_load(const char *path, char **text, struct buf *errors);
/* 1 and name filled (cut to cap) when token (len bytes) is a moderator's */
int web_moderator_find(const struct config *cfg, const char *file_text, const char *token, size_t len,
		       char *name, size_t cap);
size_t web_moderators_count(const struct config *cfg, const char *file_text);

#endif
