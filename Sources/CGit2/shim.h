#ifndef BATON_CGIT2_SHIM_H
#define BATON_CGIT2_SHIM_H
#include <git2.h>
/* Custom transport streams: BatonGit supplies its own TCP stream so fetches can time out
   (libgit2 1.5 has no socket timeout option). */
#include <git2/sys/stream.h>

/* libgit2 1.5's private `git_socket_stream` (src/libgit2/streams/socket.h), copied here
   because its SSH transport casts every standard stream, ours included, to this layout and
   hands `s` to libssh2. Only valid for the libgit2 version in BATON_GIT_STREAM_LAYOUT_*:
   BatonGit refuses to fetch with any other (LibGit2Version), and BatonGitTests'
   DeadlineStreamLayoutTests check it against the real SSH transport. */
#define BATON_GIT_STREAM_LAYOUT_MAJOR 1
#define BATON_GIT_STREAM_LAYOUT_MINOR 5
#if LIBGIT2_VER_MAJOR != BATON_GIT_STREAM_LAYOUT_MAJOR || LIBGIT2_VER_MINOR != BATON_GIT_STREAM_LAYOUT_MINOR
#warning "libgit2's version differs from the one baton_git_socket_stream was copied from: Baton will refuse to fetch (unsupported-libgit2) until the copy is checked and updated"
#endif
typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int s;
} baton_git_socket_stream;

/* git_libgit2_opts is variadic, which Swift cannot call: one small wrapper per option Baton
   sets. Strict hash verification re-hashes every object on every read (git itself never
   does; objects are hashed when a fetch indexes them). */
static inline int baton_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
#endif
