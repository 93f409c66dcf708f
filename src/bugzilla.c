/* bugzilla: under construction */
#include "bugzilla.h"
