/*
 * Checked formatting into fixed buffers: a result that does not fit is an
 * error the caller must handle (a too-long path must never become a different,
 * truncated path), instead of the silent truncation of a bare snprintf.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lab-internal.h"

int lab_format(char *out, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, size, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= size) {
    if (size > 0) out[0] = '\0';
    return -1;
  }
  return n;
}
