/* store: under construction */
#include "store.h"
