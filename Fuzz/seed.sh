#!/bin/sh
# Builds the seed corpus of every fuzz target under Fuzz/corpus/<Target>/ (git-ignored) from the
# curated seeds in Fuzz/seeds/ and the bundled samples. Needs only gzip, tar and iconv.
# Targets whose first input byte is a selector (mode, read size) get their seeds behind one.
# Usage: Fuzz/seed.sh [corpus-dir]   (run from anywhere; existing corpus files are kept)
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
corpus=${1:-$fuzz/corpus}
seeds=$fuzz/seeds
victim="$root/Samples/logs/FR[1803B18D7621CCEFC21042091BAF614E] [2024-11-03T10_22_14.1234560+01_00]"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# seed TARGET SELECTOR FILE: copies FILE into TARGET's corpus; SELECTOR is an octal byte
# written first (e.g. 017), or - for none.
seed() {
	mkdir -p "$corpus/$1"
	name=$(basename "$3" | tr -c 'A-Za-z0-9._\n-' '_')
	if [ "$2" = - ]; then
		cat "$3" >"$corpus/$1/$name"
	else
		{ printf "\\$2"; cat "$3"; } >"$corpus/$1/$2-$name"
	fi
}

zcat "$root/Samples/logs/combolist.txt.gz" | head -n 40 >"$scratch/combolist.txt"
gzip -dc "$root/Samples/logs/victim-FR-2024-11-07.tar.gz" >"$scratch/victim.tar"
gzip -9n <"$scratch/combolist.txt" >"$scratch/combolist.txt.gz"
iconv -f UTF-8 -t UTF-16 <"$victim/UserInformation.txt" >"$scratch/UserInformation-utf16.txt"
iconv -f UTF-8 -t UTF-16BE <"$scratch/combolist.txt" >"$scratch/combolist-utf16be.txt"
sed 's/$/\r/' "$victim/Passwords.txt" >"$scratch/Passwords-crlf.txt"
head -n 12 "$root/Samples/accounts.csv" >"$scratch/accounts-head.csv"
iconv -f UTF-8 -t UTF-16 <"$scratch/accounts-head.csv" >"$scratch/accounts-utf16.csv"
printf 'jdupont\nGROUPEEXEMPLE\\emartin\n# comment\njean.dupont@clinique-exemple.fr\n' >"$scratch/accounts-list.txt"
printf 'SamAccountName;UserPrincipalName;Enabled;userAccountControl\n"jdupont";"jd@ad.example.test";"False";514\n' \
	>"$scratch/accounts-semicolon.csv"
cookies=$(find "$victim/Cookies" -type f | head -n 1)

# Archives (selector 017: 64 KiB reads, central directory expected in the forward pass).
for file in "$seeds"/zip/*.zip "$root/Samples/logs/pack-2024-11.zip"; do seed FuzzZip 017 "$file"; done
for file in "$seeds"/tar/*.tar "$scratch/victim.tar"; do seed FuzzTar 007 "$file"; done
# Wrappers: selector bits 3-6 pick gzip (000), zlib (010) or raw deflate (020) on zlib, and the
# same on ISA-L when built in (030, 040, 050); 207 reads the whole input through the decode session.
for file in "$seeds"/inflate/*.gz "$scratch/combolist.txt.gz"; do
	seed FuzzInflate 007 "$file"
	seed FuzzInflate 037 "$file"
done
seed FuzzInflate 017 "$seeds/inflate/text.zlib"
seed FuzzInflate 047 "$seeds/inflate/text.zlib"
seed FuzzInflate 027 "$seeds/inflate/text.deflate"
seed FuzzInflate 057 "$seeds/inflate/text.deflate"
seed FuzzInflate 207 "$root/Samples/logs/victim-FR-2024-11-07.tar.gz"
# Text decoding (selector: read size, role, chunk size).
for file in "$victim/Passwords.txt" "$scratch/Passwords-crlf.txt" "$scratch/UserInformation-utf16.txt" \
	"$scratch/combolist-utf16be.txt" "$scratch/combolist.txt"; do
	seed FuzzText 145 "$file"
done
# Parsers and the matcher.
for file in "$victim/Passwords.txt" "$scratch/Passwords-crlf.txt"; do seed FuzzStealerRecords 000 "$file"; done
seed FuzzStealerRecords 001 "$seeds/json/Passwords.json"
seed FuzzSystemInfo 000 "$victim/UserInformation.txt"
seed FuzzSystemInfo 001 "$seeds/json/Info.json"
seed FuzzCookies - "$cookies"
seed FuzzComboLines - "$scratch/combolist.txt"
# Candidate-first: sample lines, and plain lines on the fuzz context's hosts, paths and accounts.
seed FuzzCandidates - "$scratch/combolist.txt"
cat >"$scratch/candidates.txt" <<'LINES'
https://mediboard.clinique-exemple.fr/index.php:jdupont:Secret1
https://forum.example.test/login:jean.dupont@clinique-exemple.fr:pw
https://www.example.test/mediboard/index.php:someone:pw
https://a.portail-exemple.fr/x:guest:pw
https://intranet2.example.test/rh/:JDUPONT:pw
https://shop.example.test/remote/login:bob:pw
https://shop.example.test/account:jd@ad.groupe-exemple.fr:pw
http://sub.clinique-exemple.fr/:stranger@mail.example:pw
https://ok.example.test/path:user:pa:ss
LINES
seed FuzzCandidates - "$scratch/candidates.txt"
i=0
while IFS= read -r line && [ $i -lt 24 ]; do
	printf '%s' "${line%%:*}:${line#*:}" | cut -d: -f1-2 >"$scratch/url-$i.txt"
	seed FuzzURL - "$scratch/url-$i.txt"
	i=$((i + 1))
done <"$scratch/combolist.txt"
printf 'https://jdupont:S%%40leil@dpi.clinique-exemple.fr:443/mediboard/index.php?login=agarnier%%3AGarnier77&m=dPhospi#top' \
	>"$scratch/url-credentials.txt"
printf 'android://Zm9v/YmFy==@com.example.pro/' >"$scratch/url-android.txt"
printf 'http://[2001:db8::1]:8080/mediboard\\index.php?user=a&pwd=b' >"$scratch/url-ipv6.txt"
for file in "$scratch"/url-credentials.txt "$scratch"/url-android.txt "$scratch"/url-ipv6.txt; do
	seed FuzzURL - "$file"
done
# Configuration readers.
for file in "$scratch"/accounts-*; do seed FuzzAccounts - "$file"; done
seed FuzzProfile - "$root/Samples/org.toml"
for file in "$root"/Patterns/*.toml; do seed FuzzPatterns - "$file"; done
echo "seed corpus in $corpus: $(find "$corpus" -type f | wc -l) files"
