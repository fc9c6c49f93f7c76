#ifndef BATON_CGIT2_SHIM_H
#define BATON_CGIT2_SHIM_H
#include <git2.h>
/* Custom transport streams: BatonGit supplies its own TCP stream so fetches can time out
   (libgit2 1.5 has no socket timeout option). */
#include <git2/sys/stream.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one small wrapper per option Baton
   sets. Strict hash verification re-hashes every object on every read (git itself never
   does; objects are hashed when a fetch indexes them). */
static inline int baton_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
#endif
