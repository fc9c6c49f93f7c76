#ifndef BATON_CGIT2_SHIM_H
#define BATON_CGIT2_SHIM_H
#include <git2.h>
#endif
