#ifndef BATON_CGIT2_SHIM_H
#define BATON_CGIT2_SHIM_H
#include <git2.h>
/* Custom transport streams: BatonGit supplies its own TCP stream so fetches can time out
   (libgit2 1.5 has no socket timeout option). */
#include <git2/sys/stream.h>
#endif
