/* Capacity as the API shows it, shared by the capacity handlers and the
 * booking handlers that take capacity at submit. */
#ifndef KOUAN_API_CAPACITY_H
#define KOUAN_API_CAPACITY_H

#include <jansson.h>

#include "store/capacity.h"

/* {"date","open","closed","explicit","capacity","taken","free","slots":[{"slot","capacity","taken","free","open"}]} */
json_t *capacity_day_json(const struct capacity_day *d);

#endif
