/* http: under construction */
#include "http.h"
