/*
 * Stand-in for the libraries real VDDK ships and needs from its own lib64/
 * (libssl, libcrypto, libcurl, ...): a library the lab VDDK links against that
 * exists only in that folder, so loading the lab VDDK works only when its
 * bundled dependencies are found there.
 */
#include "labvddk-support.h"

const char *labvddk_support_name(void) { return "labvddk-support 1"; }
