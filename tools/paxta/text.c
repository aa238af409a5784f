/* paxta — text from elsewhere, made safe to print (text.h). */
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void
text_clean(char *s)
{
	for (unsigned char *p = (unsigned char *)s; p && *p; p++)
		if (is_control(*p))
			*p = '?';
}

static int
has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (is_control(*p))
			return 1;
	return 0;
}

void
json_clean(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j) && has_control(json_string_value(j))) {
		char *s = strdup(json_string_value(j));

		if (s) {
			text_clean(s);
			json_string_set(j, s);
		}
		free(s);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v) json_clean(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) json_clean(v);
	}
}
