#!/usr/bin/env bash
# The pages for people in a real browser: the lot page at 1280 and 390 px
# (screenshots kept in build/test-output/report/), its DOM checked for the
# lot, every party's name and the verdict; the evidence report from the
# folder and from the node, printed to PDF by headless Chromium and its
# text (pdftotext) checked for every party, shipment and statement; the
# languages; the landing page's search box; markup in names kept inert.
# Needs chromium and poppler-utils (scripts/setup installs them).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

for tool in chromium pdftotext pdfinfo jq; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing: run scripts/setup" >&2; exit 1; }
done
KEEP="$PX_BIN/test-output/report"
rm -rf "$KEEP"
mkdir -p "$KEEP"

# One browser at a time, its profile in the test's folder, never the
# network beyond the node.
browse() {
	timeout 180 chromium --headless --no-sandbox --disable-gpu \
		--disable-extensions --no-first-run --hide-scrollbars \
		--user-data-dir="$WORK/chromium" "$@" 2>>"$WORK/chromium.log"
}

expect_status 0 -- "$PAXTA" report --help
expect_in out "--lang L"
expect_status 2 -- "$PAXTA" report --data ledger LOT
expect_in err "give --out FILE.html"
expect_status 2 -- "$PAXTA" report --data ledger --out r.html --lang de LOT
expect_in err "--lang takes en, uz or ru"

make_ledger
named() { # ID NAME ROLE REGION DISTRICT
	[ -f "keys/$1.key" ] || "$PAXTA" keygen --out "keys/$1.key" >/dev/null
	jq -cn --arg id "$1" --arg name "$2" --arg role "$3" --arg region "$4" \
		--arg district "$5" --arg key "$("$PAXTA" keygen --show "keys/$1.key")" \
		'{kind:"register_actor",actor:"uz.registrar",subject:{id:$id,name:$name,roles:[$role],region:$region,district:$district,public_key:$key}}'
}
{
	named uz.farm.a "Bogʻbon fermer xoʻjaligi" farm UZ-SA UZ-SA-KTK
	named uz.farm.b "<script>alert('x')</script> \"Quoted\" & Sons" farm UZ-QA UZ-QA-NKS
	named uz.gin.1 "Kattaqoʻrgʻon Gin 1" gin UZ-SA UZ-SA-KTK
	named uz.spin.1 "Samarqand Yarn Mill" spinner UZ-SA UZ-SA-SAM
	named monitor.tpm "ILO Third Party Monitoring" monitor UZ UZ
	named lab.iso "Isotope Lab Tashkent" lab UZ-TO UZ-TO-TAS
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys actors.jsonl
cat >season.jsonl <<'JSON'
{"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":10000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}
{"kind":"harvest","actor":"uz.farm.b","lot":"B-1","kg":2000,"season":2026,"district":"UZ-QA-NKS","method":"machine","harvested_at":"2026-09-23T08:00:00Z"}
{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":10000}],"documents":[{"type":"waybill","number":"WB-A-77","date":"2026-09-24T00:00:00Z","issuer":"Bogʻbon","sha256":"1111111111111111111111111111111111111111111111111111111111111111","uri":"https://example.org/wb-a.pdf"}]}
{"kind":"receive","actor":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":10000}],"documents":[{"type":"weighbridge_ticket","number":"WT-9","date":"2026-09-25T00:00:00Z","issuer":"Kattaqoʻrgʻon Gin 1"}]}
{"kind":"transfer","actor":"uz.farm.b","to":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":2000}],"documents":[{"type":"cmr","number":"CMR-<b>1</b>","issuer":"\"Trucks\" & Co"}]}
{"kind":"receive","actor":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":2000}]}
{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":10000},{"lot":"B-1","kg":2000}],"outputs":[{"lot":"BALE-1","kg":2700,"product":"lint"},{"lot":"BALE-2","kg":2700,"product":"lint"},{"lot":"SEED-1","kg":6000,"product":"cottonseed"}],"documents":[{"type":"hvi_report","number":"HVI-1","issuer":"Uzstandard"}]}
{"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"TR-1","lots":[{"lot":"BALE-1","kg":2700},{"lot":"BALE-2","kg":2700}],"documents":[{"type":"invoice","number":"INV-2026-001","date":"2026-10-02T00:00:00Z","issuer":"Kattaqoʻrgʻon Gin 1","sha256":"2222222222222222222222222222222222222222222222222222222222222222"}]}
{"kind":"receive","actor":"uz.spin.1","shipment":"TR-1","lots":[{"lot":"BALE-1","kg":2700},{"lot":"BALE-2","kg":2700}]}
{"kind":"transform","actor":"uz.spin.1","process":"spinning","inputs":[{"lot":"BALE-1","kg":2700},{"lot":"BALE-2","kg":2700}],"outputs":[{"lot":"YARN-1","kg":5000,"product":"yarn"}]}
{"kind":"transfer","actor":"uz.spin.1","to":"uz.gin.1","shipment":"TR-2","lots":[{"lot":"YARN-1","kg":1000}]}
{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"certified","report_uri":"https://example.org/tpm-2026.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"}
{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-QA-NKS","season":2026,"status":"forced_labour","indicators":["abuse_of_vulnerability","physical_violence"],"report_uri":"https://example.org/tpm-nks.pdf","from":"2026-09-01T00:00:00Z","until":"2026-11-30T00:00:00Z"}
{"kind":"lab_result","actor":"lab.iso","lot":"BALE-1","matches":true,"claimed_region":"UZ-SA","method":"isotope","report_sha256":"00000000000000000000000000000000000000000000000000000000000000bb"}
JSON
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys season.jsonl
expect_status 0 -- "$PAXTA" checkpoint --data ledger
size=$(sed -n 2p out)
EVIL="<script>alert('x')</script> \"Quoted\" & Sons"
NAMES=("Bogʻbon fermer xoʻjaligi" "$EVIL" "Kattaqoʻrgʻon Gin 1" "Samarqand Yarn Mill"
	"ILO Third Party Monitoring" "Isotope Lab Tashkent")
expect_status 1 -- "$PAXTA" verify --data ledger YARN-1
expect_in out "flagged"

# ---- the report from the folder ----
expect_status 0 -- "$PAXTA" report --data ledger --out folder.html YARN-1
expect_in out "wrote the evidence report of lot 'YARN-1' to folder.html"
expect_status 2 -- "$PAXTA" report --data ledger --out nope.html NO-SUCH
expect_in err "lot 'NO-SUCH' is not in the ledger"
[ ! -e nope.html ] && ok || bad "a refused report leaves no file"
# Its bundle SHA-256 is the bundle's that paxta bundle makes.
expect_status 0 -- "$PAXTA" bundle --data ledger --at "$size" --out lot.bundle YARN-1
sha=$(sha256sum lot.bundle | cut -d' ' -f1)
expect_in folder.html "id=\"bundle-sha256\">$sha<"
expect_in folder.html "paxta bundle 'YARN-1' --at $size --data 'ledger' --out lot.bundle"
# Self-contained: nothing to fetch, nothing to run.
expect_eq "$(grep -c -i -e '<script' -e ' src=' -e '<link' -e 'url(' folder.html || true)" 0 "the report fetches and runs nothing"

start_node --checkpoint-interval 0

# ---- the landing page and the search box ----
curl -s -D hdr -o landing.html "$URL/"
expect_in hdr "200"
expect_in hdr "text/html"
expect_in landing.html 'id="lot-search"'
expect_in landing.html 'action="/lots"'
expect_eq "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/lots?id=YARN-1&lang=ru")" \
	"303 $URL/lots/YARN-1?lang=ru" "the search box goes to the lot's page"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/lots?id=two%20words")" 400 "a search for no lot id"

# ---- the lot page, as served ----
curl -s -D hdr -o page.html "$URL/lots/YARN-1"
expect_in hdr "Content-Security-Policy: default-src 'none'"
expect_in hdr "Content-Language: en"
expect_in page.html "href=\"/v1/checkpoint?size=$size\""
expect_in page.html "href=\"/v1/lots/YARN-1/bundle?size=$size\""
expect_in page.html 'href="/lots/YARN-1/report?lang=en"'
expect_in page.html 'class="qr"'
# When the lot's making happened and when the node recorded it (its leaf's time).
expect_eq "$(grep -o '<span id="recorded">recorded [0-9-]*' page.html | wc -l)" 1 "the page shows when the lot was recorded"
expect_in page.html '<span id="happened">happened '
expect_in page.html 'viewBox='
expect_eq "$(grep -c -i -e '<script' -e ' src=' page.html || true)" 0 "the page runs and fetches nothing"
# The languages: ?lang= and Accept-Language.
curl -s -o uz.html "$URL/lots/YARN-1?lang=uz"
expect_in uz.html '<html lang="uz">'
expect_in uz.html "<h2>Hozir kimda</h2>"
expect_in uz.html "Fermer xoʻjaliklaridan boshlangan oqim sxemasi"
curl -s -o ru.html "$URL/lots/YARN-1?lang=ru"
expect_in ru.html '<html lang="ru">'
expect_in ru.html "<h2>У кого сейчас</h2>"
expect_in ru.html "Схема движения от фермерских хозяйств"
curl -s -H 'Accept-Language: ru-RU,ru;q=0.9,en;q=0.5' -o al.html "$URL/lots/YARN-1"
expect_in al.html '<html lang="ru">'
if grep -q "<h2>Who holds it now</h2>" uz.html ru.html; then bad "English headings in the uz or ru page"; else ok; fi
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/lots/NO-SUCH")" 404 "page of an unknown lot"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/lots/NO-SUCH/report")" 404 "report of an unknown lot"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/lots/YARN-1/report?size=7")" 404 "report at a size never signed"

# In the browser: the DOM as a person gets it.
browse --dump-dom "$URL/lots/YARN-1" >dom.html
expect_in dom.html '<h1 id="lot-id">YARN-1</h1>'
expect_in dom.html 'id="verdict-word">flagged<'
for name in "${NAMES[@]}"; do
	# the DOM writes text with & < > escaped
	esc=$(printf '%s' "$name" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
	expect_in dom.html "$esc"
done
expect_eq "$(grep -c '<script' dom.html || true)" 0 "a name with markup stays text"
browse --window-size=1280,2400 --screenshot="$KEEP/lot-1280.png" "$URL/lots/YARN-1" >/dev/null
browse --window-size=390,2800 --screenshot="$KEEP/lot-390.png" "$URL/lots/YARN-1?lang=uz" >/dev/null
for png in lot-1280 lot-390; do
	[ -s "$KEEP/$png.png" ] && ok || bad "no screenshot $png.png: $(tail -3 "$WORK/chromium.log")"
done

# ---- the report from the node, printed ----
expect_status 0 -- "$PAXTA" report --node "$URL" --out node.html YARN-1
expect_in node.html "id=\"bundle-sha256\">"
expect_status 0 -- "$PAXTA" bundle --node "$URL" --at "$size" --out node.bundle YARN-1
expect_in node.html "id=\"bundle-sha256\">$(sha256sum node.bundle | cut -d' ' -f1)<"
expect_status 2 -- "$PAXTA" report --node "$URL" --out nope.html NO-SUCH
[ ! -e nope.html ] && ok || bad "a refused report leaves no file"
expect_status 0 -- "$PAXTA" report --node "$URL" --lang ru --out node-ru.html YARN-1
expect_in node-ru.html "Участники цепочки поставок"
cp node.html "$KEEP/report.html"
browse --no-pdf-header-footer --print-to-pdf="$KEEP/report.pdf" "file://$KEEP/report.html" >/dev/null
pages=$(pdfinfo "$KEEP/report.pdf" | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -gt 0 ] && ok || bad "the report printed to no pages: $(tail -3 "$WORK/chromium.log")"
pdftotext "$KEEP/report.pdf" report.txt
# Words as a person reads them, whatever line a table wrapped them on.
tr -s ' \n' '  ' <report.txt >report.flat
for name in "${NAMES[@]}"; do
	expect_in report.flat "$name"
done
for shipment in WB-A WB-B TR-1 TR-2; do
	expect_in report.flat "Shipment $shipment"
done
for doc in WB-A-77 WT-9 "CMR-<b>1</b>" INV-2026-001 HVI-1; do
	expect_in report.flat "$doc"
done
expect_in report.flat "district:UZ-SA-KTK, season 2026"
expect_in report.flat "district:UZ-QA-NKS, season 2026"
expect_in report.flat "abuse_of_vulnerability, physical_violence"
expect_in report.flat "2026-09-01 – 2026-11-30"
expect_in report.flat "matches BALE-1"
expect_in report.flat "yield 45.0 %"
expect_in report.flat "yield 92.6 %"
expect_in report.flat "Operational Guidance for Importers"
# Every page says what it is about and which page it is.
expect_eq "$(grep -c "paxta · Evidence report · YARN-1" report.txt)" "$pages" "a page header on every page"
expect_in report.flat "page $pages / $pages"

stop_node
finish
