/*
 * paxta — a QR code as SVG. libqrencode makes the symbol (ISO/IEC 18004);
 * we only draw its modules: one rect per run of dark modules in a row, a
 * quiet zone of 4 modules (ISO/IEC 18004:2015 §9.1), coordinates in
 * modules so the symbol scales to whatever box holds it.
 */
#include <errno.h>
#include <qrencode.h>

#include "paxta/html.h"

#define QUIET 4

int
px_html_qr_svg(struct px_html *h, const char *text)
{
	QRcode *qr;
	int w, size;

	/* Version 0: the smallest that holds it; level M: a label may be
	 * scuffed. Bit 0 of each module's byte is "dark". */
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		if (errno == ENOMEM)
			h->failed = 1;
		return -1;
	}
	w = qr->width;
	size = w + 2 * QUIET;
	px_html_put(h,
		    "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" "
		    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" "
		    "role=\"img\" aria-label=\"QR\"><rect width=\"%d\" "
		    "height=\"%d\" fill=\"#fff\"/>",
		    size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w;) {
			int run = 0;

			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			if (run)
				px_html_put(h,
					    "<rect x=\"%d\" y=\"%d\" "
					    "width=\"%d\" height=\"1\"/>",
					    x + QUIET, y + QUIET, run);
			x += run ? run : 1;
		}
	px_html_put(h, "</svg>");
	QRcode_free(qr);
	return h->failed ? -1 : 0;
}
