#include <stdio.h>
#include "ccwatch.h"
int
main(void)
{
	printf("ccwatch %s\n", CCWATCH_VERSION);
	return 0;
}
