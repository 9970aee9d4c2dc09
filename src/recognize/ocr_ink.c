/* The ink of a grey page image (ocr_ink.h). Leptonica keeps a row of an
 * 8 bpp image in 32-bit words, the leftmost pixel in a word's highest byte,
 * and a row of a 1 bpp image leftmost pixel first in the highest bit: one
 * word of ink is made from 32 pixels at a time (SSE2 compares 16 bytes at
 * once where the compiler has it), the row's last pixels one by one. */
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "recognize/ocr_ink.h"

#define INK_WORD_PX 32	/* pixels of one word of the 1 bpp image */

#ifdef __SSE2__
/* m has bit i set for the i-th byte in memory of 32 grey pixels; in memory
 * each word's four pixels lie last one first (little-endian), and the ink
 * word wants the first pixel in its highest bit: the word's four-bit groups
 * come in reverse order, each group's bits as they are. */
static uint32_t ink_word_order(uint32_t m)
{
	m = __builtin_bswap32(m);
	return ((m & 0x0F0F0F0Fu) << 4) | ((m >> 4) & 0x0F0F0F0Fu);
}

static uint32_t ink_word(const uint32_t *grey, __m128i most)
{
	__m128i a = _mm_loadu_si128((const __m128i *)grey), b = _mm_loadu_si128((const __m128i *)(grey + 4));
	/* unsigned v < below: v no more than below - 1 */
	uint32_t lo = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(a, most), a));
	uint32_t hi = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(b, most), b));
	return ink_word_order(lo | hi << 16);
}
#else
static uint32_t ink_word(const uint32_t *grey, int below)
{
	uint32_t out = 0;
	for (int i = 0; i < INK_WORD_PX; i++)
		out = out << 1 | (GET_DATA_BYTE(grey, i) < below);
	return out;
}
#endif

static void ink_row(const uint32_t *grey, uint32_t *ink, int w, int below)
{
	int words = w / INK_WORD_PX;
#ifdef __SSE2__
	__m128i most = _mm_set1_epi8((char)(below - 1));
	for (int k = 0; k < words; k++)
		ink[k] = ink_word(grey + k * (INK_WORD_PX / 4), most);
#else
	for (int k = 0; k < words; k++)
		ink[k] = ink_word(grey + k * (INK_WORD_PX / 4), below);
#endif
	for (int x = words * INK_WORD_PX; x < w; x++)
		if (GET_DATA_BYTE(grey, x) < below)
			SET_DATA_BIT(ink, x);
}

PIX *ocr_ink(PIX *grey, int below)
{
	if (!grey || pixGetDepth(grey) != 8 || pixGetColormap(grey) || below < 1 || below > 255)
		return NULL;
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	PIX *ink = pixCreate(w, h, 1);
	if (!ink)
		return NULL;
	pixCopyResolution(ink, grey);
	const uint32_t *src = pixGetData(grey);
	uint32_t *dst = pixGetData(ink);
	int swpl = pixGetWpl(grey), dwpl = pixGetWpl(ink);
	for (int y = 0; y < h; y++)
		ink_row(src + (size_t)y * (size_t)swpl, dst + (size_t)y * (size_t)dwpl, w, below);
	return ink;
}
