/*
 * Stand-in for the older libstdc++.so.6 that real VDDK ships in lib64/. It is
 * harsher than VMware's copy: it defines none of the GLIBCXX_* / CXXABI_*
 * symbol versions, so any process that takes its C++ runtime from the lab
 * VDDK's folder (LD_LIBRARY_PATH pointing there) fails to start. The lab VDDK
 * itself needs no C++ symbols, so it is satisfied by whichever copy is loaded.
 */
int labvddk_standin_libstdcxx(void) { return 1; }
