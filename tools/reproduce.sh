#!/bin/bash
# Re-write the text declarations through other PDF producers, to see whether
# the recognizer reads the same document made by other software.
#
#   tools/reproduce.sh SRC_DIR OUT_DIR [producer...]
#
# For each decl_NNN.pdf in SRC_DIR that has a text layer (its JSON says
# "scanned": false), writes OUT_DIR/<producer>/decl_NNN.pdf and copies the
# expected JSON beside it (the document's content is unchanged, so is the
# truth). Score a folder with
#   python3 tests/tools/score.py recognize --cmd 'build/kouan recognize {}' OUT_DIR/<producer>
#
# Producers (Debian packages: qpdf, mupdf-tools, poppler-utils, ghostscript;
# scripts/deps.sh bench installs them):
#   qpdf_objstm     qpdf: object streams + linearized
#   mutool_clean    mutool clean -gggg (garbage collection, renumbering)
#   mutool_convert  mutool convert to PDF (MuPDF's PDF writer device re-emits the page)
#   cairo           pdftocairo -pdf (fonts and content re-emitted through cairo)
#   gs              ghostscript pdfwrite
#   rot0 rot180 rot270   the page's /Rotate set to 0/180/270 (qpdf --rotate), as a
#                   print path that turns the sheet leaves it
#   letter          pdftocairo, scaled to fit US Letter (a print to another paper size)
#   gs_letter       ghostscript, scaled to fit US Letter
set -u -o pipefail
src=${1:?usage: reproduce.sh SRC_DIR OUT_DIR [producer...]}
out=${2:?usage: reproduce.sh SRC_DIR OUT_DIR [producer...]}
shift 2
producers=${*:-"qpdf_objstm mutool_clean mutool_convert cairo gs rot0 rot180 rot270 letter gs_letter"}
PY=python3
command -v python3 >/dev/null 2>&1 || PY=/usr/bin/python3

one() {	# producer in out
	case $1 in
	qpdf_objstm) qpdf --object-streams=generate --linearize "$2" "$3" ;;
	mutool_clean) mutool clean -gggg "$2" "$3" ;;
	mutool_convert) mutool convert -F pdf -o "$3" "$2" ;;
	cairo) pdftocairo -pdf "$2" "$3" ;;
	gs) gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -o "$3" "$2" ;;
	rot0) qpdf --rotate=0 "$2" "$3" ;;
	rot180) qpdf --rotate=180 "$2" "$3" ;;
	rot270) qpdf --rotate=270 "$2" "$3" ;;
	letter) pdftocairo -pdf -paper letter "$2" "$3" ;;
	gs_letter) gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sPAPERSIZE=letter \
		-dFIXEDMEDIA -dPDFFitPage -o "$3" "$2" ;;
	*) echo "unknown producer $1" >&2; return 2 ;;
	esac
}

st=0
for prod in $producers; do
	mkdir -p "$out/$prod"
	for pdf in "$src"/decl_*.pdf; do
		base=$(basename "$pdf" .pdf)
		json="$src/$base.json"
		[ -f "$json" ] || continue
		$PY -c 'import json,sys; sys.exit(1 if json.load(open(sys.argv[1]))["document"]["scanned"] else 0)' \
			"$json" || continue
		if one "$prod" "$pdf" "$out/$prod/$base.pdf" >/dev/null 2>"$out/$prod/$base.err"; then
			rm -f "$out/$prod/$base.err"
			cp "$json" "$out/$prod/$base.json"
		else
			echo "$prod: $base failed (see $out/$prod/$base.err)" >&2
			rm -f "$out/$prod/$base.pdf"
			st=1
		fi
	done
done
exit $st
