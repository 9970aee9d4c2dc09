/* ocr_agree.c: values a scanned declaration states twice, made to agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "recognize/ocr_agree.h"

/* ocr_agree_transport on tname against plates: the result, and the name
 * taken (or NULL when none). */
static void agree_in(const char *tname, const json_t *plates, const char *remarks, enum ocr_agree want,
	const char *want_name)
{
	char *got = NULL;
	assert_int_equal(ocr_agree_transport(tname, plates, remarks, &got), want);
	if (want_name) {
		assert_non_null(got);
		assert_string_equal(got, want_name);
	} else {
		assert_null(got);
	}
	free(got);
}

static void agree(const char *tname, const json_t *plates, enum ocr_agree want, const char *want_name)
{
	agree_in(tname, plates, "", want, want_name);
}

/* A transport name whose plate fails the plate rules takes the remarks'
 * copy, its voyage date kept: a province misread, a letter or the trailer's
 * 挂 lost, a slash read 7, a speck before it. */
static void test_transport_takes_remarks_copy(void **state)
{
	(void)state;
	json_t *one = json_pack("[s,s,s]", "豫B97715", "豫B5569挂", "新D46205");
	agree("窗B97715/20240512", one, OCR_AGREE_TAKEN, "豫B97715/20240512");
	json_t *lone = json_pack("[s]", "新B97715");
	agree("一新B97715", lone, OCR_AGREE_TAKEN, "新B97715");
	json_decref(lone);
	json_t *two = json_pack("[s,s,s]", "陕E54387", "新B4490挂", "新B23924");
	agree("陕E54387/ 新4490挂", two, OCR_AGREE_TAKEN, "陕E54387/新B4490挂");
	agree("陕E54387/ 新B4490", two, OCR_AGREE_TAKEN, "陕E54387/新B4490挂");
	agree("陕E543877新B4490挂", two, OCR_AGREE_TAKEN, "陕E54387/新B4490挂");
	agree("E54387", two, OCR_AGREE_TAKEN, "陕E54387");
	/* read alike: nothing to do */
	agree("陕E54387/新B4490挂", two, OCR_AGREE_SAME, NULL);
	agree("豫B97715/20240512", one, OCR_AGREE_SAME, NULL);
	/* the plates agree, the date's slash read 7: put back */
	agree("豫B97715720240512", one, OCR_AGREE_MENDED, "豫B97715/20240512");
	json_decref(one);
	json_decref(two);
}

/* A template that parts the plates with a comma or 、 keeps its separator:
 * read alike, nothing changes; a misread plate is put right in place. */
static void test_transport_comma_separated(void **state)
{
	(void)state;
	json_t *plates = json_pack("[s,s,s]", "豫A48100", "新F16529", "新F6868挂");
	agree("豫A48100,新F16529", plates, OCR_AGREE_SAME, NULL);
	agree("豫A48100、新F16529", plates, OCR_AGREE_SAME, NULL);
	agree("窗A48100,新F16529", plates, OCR_AGREE_TAKEN, "豫A48100,新F16529");
	agree("豫A48100、新16529", plates, OCR_AGREE_TAKEN, "豫A48100、新F16529");
	json_decref(plates);
}

/* Two copies that both pass the plate rules and differ are not settled:
 * the transport name stays, the caller makes neither sure; a name whose
 * plate fails and that the remarks do not repeat is not sure either. */
static void test_transport_conflicts(void **state)
{
	(void)state;
	json_t *plates = json_pack("[s,s]", "陕E64888", "豫B7238挂");
	agree("陕E64883", plates, OCR_AGREE_CONFLICT, NULL);
	agree("陕E25871/玉62367挂", plates, OCR_AGREE_UNRULY, NULL);
	/* far from every prefix, plates that pass: another list, nothing said */
	agree("新F12345", plates, OCR_AGREE_NOTHING, NULL);
	/* a transit number, no list, no name: nothing to compare */
	agree("@9402202541507970", plates, OCR_AGREE_NOTHING, NULL);
	json_t *none = json_array();
	agree("陕E64883", none, OCR_AGREE_NOTHING, NULL);
	agree(NULL, plates, OCR_AGREE_NOTHING, NULL);
	json_decref(none);
	json_decref(plates);
}

/* Plate by plate: each copy put right by the other where it fails ("新FG84124"
 * by the remarks, the remarks' "路 D8845挂" left to the name), a speck or a
 * label's tail before the plate dropped when the remarks hold the plate, and
 * both copies misread (the name's "E64883", the remarks' "陕EB64883"): the one
 * plate the remarks' entry gives without a character that the name reads as
 * within one, mended. */
static void test_transport_plate_by_plate(void **state)
{
	(void)state;
	json_t *plates = json_pack("[s,s,s]", "新F84124", "新F42404", "陕E3751挂");
	agree("新Fg84124/ 新D8845挂", plates, OCR_AGREE_TAKEN, "新F84124/新D8845挂");
	json_decref(plates);
	plates = json_pack("[s]", "新B62766");
	agree("及航次号,新B62766", plates, OCR_AGREE_TAKEN, "新B62766");
	json_decref(plates);
	/* a plate in front is no speck: the plate at the end is not taken alone */
	plates = json_pack("[s,s]", "新B4490挂", "新B23924");
	agree("陕E543877新B4490挂", plates, OCR_AGREE_UNRULY, NULL);
	json_decref(plates);
	/* the '/' before the voyage date read 7, the province misread */
	plates = json_pack("[s]", "豫B97715");
	agree("弧 B97715720240512", plates, OCR_AGREE_TAKEN, "豫B97715/20240512");
	agree("B97715720241399", plates, OCR_AGREE_UNRULY, NULL);	/* no date: month 13 */
	json_decref(plates);
	plates = json_pack("[s,s]", "豫B7238挂", "陕E2662挂");
	agree_in("E64883", plates, "承运车辆：陕EB64883、豫B7238挂、陕EB64810、陕E2662挂", OCR_AGREE_MENDED, "陕E64883");
	json_decref(plates);
	plates = json_pack("[s,s]", "陕E54387", "新B23924");
	agree_in("陕E54387/ 新B4490", plates, "车牌：陕E54387、 新BE4490挂、新B23924", OCR_AGREE_MENDED,
		"陕E54387/新B4490挂");
	/* the remarks' entry gives two plates the part is as near to: none */
	agree_in("陕E54387/ 新4490", plates, "车牌：陕E54387、 新BE4490、新B23924", OCR_AGREE_UNRULY, NULL);
	json_decref(plates);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport_takes_remarks_copy),
		cmocka_unit_test(test_transport_comma_separated),
		cmocka_unit_test(test_transport_conflicts),
		cmocka_unit_test(test_transport_plate_by_plate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
