/* Reads the InitEx config file: `key = value` lines, values optionally quoted. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-internal.h"

static char *trim(char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  char *end = s + strlen(s);
  while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
  return s;
}

/* 0, or -1 (cannot read the file), -2 (a line too long, too many keys), -3 (out of memory). */
int lab_config_load(LabConfig *cfg, const char *path) {
  memset(cfg, 0, sizeof(*cfg));
  if (!path || !*path) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[8192];
  while (fgets(line, sizeof line, f)) {
    /* A line longer than the buffer would be read in pieces, its tail as another key: refuse it. */
    if (!strchr(line, '\n') && !feof(f)) {
      fclose(f);
      lab_config_free(cfg);
      return -2;
    }
    char *s = trim(line);
    if (*s == '#' || *s == '\0') continue;
    char *eq = strchr(s, '=');
    if (!eq) continue;
    *eq = '\0';
    char *key = trim(s);
    char *value = trim(eq + 1);
    size_t len = strlen(value);
    if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
      value[len - 1] = '\0';
      value++;
    }
    /* Dropping keys silently would drop the later ones, which are the overrides. */
    if (cfg->count == LAB_MAX_KEYS) {
      fclose(f);
      lab_config_free(cfg);
      return -2;
    }
    cfg->keys[cfg->count] = strdup(key);
    cfg->values[cfg->count] = strdup(value);
    cfg->count++;
    if (!cfg->keys[cfg->count - 1] || !cfg->values[cfg->count - 1]) {
      fclose(f);
      lab_config_free(cfg);
      return -3;
    }
  }
  fclose(f);
  return 0;
}

void lab_config_free(LabConfig *cfg) {
  for (int i = 0; i < cfg->count; i++) {
    free(cfg->keys[i]);
    free(cfg->values[i]);
  }
  cfg->count = 0;
}

const char *lab_config_get(const LabConfig *cfg, const char *key) {
  /* Last one wins, so appended overrides beat defaults. */
  for (int i = cfg->count - 1; i >= 0; i--) {
    if (strcasecmp(cfg->keys[i], key) == 0) return cfg->values[i];
  }
  return NULL;
}

long long lab_config_int(const LabConfig *cfg, const char *key, long long fallback) {
  const char *v = lab_config_get(cfg, key);
  if (!v || !*v) return fallback;
  return strtoll(v, NULL, 0);
}

uint64_t lab_config_u64(const LabConfig *cfg, const char *key, uint64_t fallback) {
  const char *v = lab_config_get(cfg, key);
  if (!v || !*v) return fallback;
  return strtoull(v, NULL, 0);
}
