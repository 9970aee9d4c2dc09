/* mkscan: make a test "scan" of a declaration page image: rotate it a little,
 * optionally threshold it to black and white, and wrap it into a one-page PDF
 * at the given resolution (no text layer). For tests/fixtures (issue 4):
 * scans at other resolutions, more skew, and black-and-white. An angle near a
 * quarter turn (90, 180, 270, each within 10 degrees) turns the page
 * clockwise first, as a sheet fed sideways or upside down (issue 15).
 *
 *   pdftoppm -r 150 -gray -png decl_001.pdf page
 *   tools/mkscan page-1.png out.pdf 150 1.5 [bw|JPEG_QUALITY]
 *
 * The last argument is "bw" for a black-and-white (G4) page, or a JPEG
 * quality from 5 to 95 for a grey page (default 55; 20 gives heavy JPEG noise).
 *
 * Build (not part of the kouan build):
 *   cc -O2 -o build/mkscan tools/mkscan.c $(pkg-config --cflags --libs lept) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#define MKSCAN_JPEG_QUALITY 55
#define MKSCAN_BW_THRESHOLD 150
#define MKSCAN_MAX_SKEW_DEG 10.0

int main(int argc, char **argv)
{
	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: mkscan IN.png OUT.pdf DPI ANGLE_DEG [bw|JPEG_QUALITY]\n");
		return 2;
	}
	char *end;
	int bw = argc == 6 && strcmp(argv[5], "bw") == 0;
	long quality = MKSCAN_JPEG_QUALITY;
	if (argc == 6 && !bw) {
		quality = strtol(argv[5], &end, 10);
		if (*end || quality < 5 || quality > 95) {
			fprintf(stderr, "mkscan: bad last argument '%s' (bw or a JPEG quality 5-95)\n", argv[5]);
			return 2;
		}
	}
	long dpi = strtol(argv[3], &end, 10);
	if (*end || dpi < 50 || dpi > 1200) {
		fprintf(stderr, "mkscan: bad dpi '%s'\n", argv[3]);
		return 2;
	}
	double deg = strtod(argv[4], &end);
	long quarters = lround(deg / 90.0);
	deg -= 90.0 * (double)quarters;
	if (*end || quarters < 0 || quarters > 3 || fabs(deg) > MKSCAN_MAX_SKEW_DEG) {
		fprintf(stderr, "mkscan: bad angle '%s'\n", argv[4]);
		return 2;
	}
	PIX *in = pixRead(argv[1]);
	PIX *flat = in ? pixConvertTo8(in, 0) : NULL;
	PIX *grey = flat ? pixRotateOrth(flat, (l_int32)quarters) : NULL;
	PIX *rot = grey ? pixRotate(grey, (float)(deg * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0) : NULL;
	PIX *out = rot && bw ? pixConvertTo1(rot, MKSCAN_BW_THRESHOLD) : rot ? pixClone(rot) : NULL;
	int rc = 1;
	if (out) {
		pixSetResolution(out, (l_int32)dpi, (l_int32)dpi);
		rc = pixConvertToPdf(out, bw ? L_G4_ENCODE : L_JPEG_ENCODE, (l_int32)quality, argv[2], 0, 0,
			(l_int32)dpi, "scan", NULL, 0) ? 1 : 0;
	}
	if (rc)
		fprintf(stderr, "mkscan: could not make %s\n", argv[2]);
	pixDestroy(&out);
	pixDestroy(&rot);
	pixDestroy(&grey);
	pixDestroy(&flat);
	pixDestroy(&in);
	return rc;
}
