/* model: under construction */
#include "model.h"
