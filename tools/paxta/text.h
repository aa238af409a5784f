/*
 * paxta — text from elsewhere (a node's answer, a file) made safe to print
 * for people: one line stays one line, and nothing drives the terminal.
 * Below every other file of the tool: it includes none of them.
 */
#ifndef PAXTA_TEXT_H
#define PAXTA_TEXT_H

#include <jansson.h>

/* Control characters in s (in place) become '?'. Accepts NULL. */
void text_clean(char *s);

/* The same in every string of j (in place). */
void json_clean(json_t *j);

#endif
