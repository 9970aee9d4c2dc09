/* Scanned declarations (issue 13): the ends of free-text values, which OCR
 * fringes with specks of the cell's border, of a bracket or of the next
 * cell's label: "。HRGS20250315-138", ",杨刚", "陈平刚”报关英证号:23670019。",
 * "SILK ROAD LOGISTICS LLC 1", ", TOO\"KARAGANDA MOTORS\"". Pure: no
 * Tesseract, no I/O. */
#ifndef KOUAN_RECOGNIZE_OCR_TRIM_H
#define KOUAN_RECOGNIZE_OCR_TRIM_H

enum ocr_trim_kind {
	OCR_TRIM_CODE,		/* a number of letters and digits: contract, licence, bill of lading, record */
	OCR_TRIM_PERSON,	/* a person's Chinese name: the declarant */
	OCR_TRIM_FIRM,		/* a foreign company's name in Latin or Cyrillic letters: the consignee */
	OCR_TRIM_YES_NO,	/* 是 or 否: 自报自缴 */
};

/* value trimmed as its kind reads: a new string (the caller frees it), or
 * NULL when nothing is to be taken off. A code with no letter or digit at
 * all, or a yes-or-no holding neither 是 nor 否 (or both), gives "" (nothing
 * was read). */
char *ocr_trim_value(const char *value, enum ocr_trim_kind kind);

#endif
