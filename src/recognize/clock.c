/* The recognizer's clock (internal.h): the calling thread's CPU time. */
#include <time.h>

#include "recognize/internal.h"

int64_t rec_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
