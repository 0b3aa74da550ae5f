/* The one symbol the lab VDDK takes from its bundled support library. */
#ifndef LABVDDK_SUPPORT_H
#define LABVDDK_SUPPORT_H
const char *labvddk_support_name(void);
#endif
