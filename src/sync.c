/* sync: under construction */
#include "sync.h"
