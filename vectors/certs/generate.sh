#!/usr/bin/env bash
# Generates the test PKI in vectors/certs/<keytype>/ with the openssl binary (3.0+).
# For each key type: ca (self-signed root, cA), inter (intermediate, cA, pathlen 0),
# end (server leaf: SAN DNS:localhost, DNS:testserver.com, IP:127.0.0.1; EKU serverAuth+clientAuth),
# end.chain.pem (end + inter), client (EKU clientAuth). ecdsa-p256 also gets expired.pem (2020-2021).
# Validity: 2024-01-01 .. 2124-01-01 (set through `openssl ca -startdate/-enddate`).
# Keys are PKCS#8 PEM. Usage: bash vectors/certs/generate.sh   (overwrites the files)
#   bash vectors/certs/generate.sh rules   regenerates only vectors/certs/rules/ (the RFC 5280 §6.1 rule PKI, below).
#   bash vectors/certs/generate.sh breadth regenerates only ecdsa-p521/, ed448/ and rsa-pss/ (issue 12).
set -euo pipefail
cd "$(dirname "$0")"
START=20240101000000Z
END=21240101000000Z

genkey() { # $1=keytype $2=out
  case "$1" in
    ecdsa-p256) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
    ecdsa-p384) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$2" ;;
    ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$2" ;;
    rsa-2048) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
    ecdsa-p521) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$2" ;;
    ed448) openssl genpkey -quiet -algorithm ED448 -out "$2" ;;
    rsa-pss) openssl genpkey -quiet -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
  esac
}

reqopt() { # the CSR's self-signature: none for EdDSA, SHA-384 for the SHA-384-restricted RSA-PSS key
  case "$1" in ed25519|ed448) echo "" ;; rsa-pss-sha384) echo "-sha384" ;; *) echo "-sha256" ;; esac
}

mdopt() { # ed25519 and ed448 take no digest; RSA-PSS keys sign with salt = hash length (RFC 8446 §4.2.3)
  case "$1" in
    ed25519|ed448) echo "" ;;
    ecdsa-p384) echo "-md sha384" ;;
    ecdsa-p521) echo "-md sha512" ;;
    rsa-pss|rsa-pss-sha384) echo "-md sha256 -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256" ;;
    *) echo "-md sha256" ;;
  esac
}

write_ext() {
  cat > ext.cnf <<'CNF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[end_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, DNS:testserver.com, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[rules_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[rules_pathlen0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
[rules_noku]
basicConstraints = critical, CA:TRUE
keyUsage = critical, cRLSign
[rules_notca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, digitalSignature
[rules_ekuclient_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
extendedKeyUsage = clientAuth
[rules_nc]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
nameConstraints = critical, permitted;DNS:allowed.test, permitted;IP:10.0.0.0/255.0.0.0, excluded;DNS:bad.allowed.test, excluded;IP:10.9.0.0/255.255.0.0
[rules_nc_email]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
nameConstraints = critical, permitted;email:allowed.test
[rules_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:good.test, IP:10.0.0.1
[rules_leaf_clientonly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:good.test
[rules_leaf_keyenc]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:good.test
[rules_leaf_critical]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:good.test
1.3.6.1.4.1.55555.1 = critical, ASN1:NULL
[rules_leaf_nc_ok]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.allowed.test, DNS:allowed.test, IP:10.1.2.3
[rules_leaf_nc_dns_out]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.allowed.test, DNS:other.test
[rules_leaf_nc_dns_excl]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:x.bad.allowed.test
[rules_leaf_nc_wild_excl]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:*.allowed.test
[rules_leaf_nc_ip_out]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.allowed.test, IP:192.168.1.1
[rules_leaf_nc_ip_excl]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.allowed.test, IP:10.9.1.1
[rules_leaf_names]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:*.wild.test, DNS:f*o.partial.test, DNS:*.*.double.test, DNS:XN--BCHER-KVA.example, DNS:*.xn--caf-dma.test, IP:::1
[rules_leaf_cn_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
CNF
}

# openssl ca needs a small database; one per issuing run.
# Serial numbers come from one counter (db/serial) so no two certificates share issuer+serial.
ca_config() { # $1=issuer cert $2=issuer key
  : > db/index.txt
  cat > ca.cnf <<CNF
[ca]
default_ca = tca
[tca]
dir = db
database = db/index.txt
serial = db/serial
new_certs_dir = db
certificate = $1
private_key = $2
default_md = default
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[anything]
commonName = supplied
organizationName = optional
CNF
}

# $1=keytype $2=issuer-cert (or "self") $3=issuer-key $4=subject $5=ext section $6=out-cert $7=key
# [$8=start $9=end $10=extra signing options]
issue() {
  local kt=$1 icert=$2 ikey=$3 subj=$4 ext=$5 out=$6 key=$7 start=${8:-$START} end=${9:-$END} extra=${10:-}
  openssl req -new -key "$key" -subj "$subj" -out tmp.csr $(reqopt "$kt")
  if [ "$icert" = self ]; then
    ca_config "$out" "$key"
    openssl ca -batch -config ca.cnf -selfsign -keyfile "$key" -in tmp.csr -out tmp.pem \
      -startdate "$start" -enddate "$end" -extfile ext.cnf -extensions "$ext" $(mdopt "$kt") -notext 2>/dev/null
  else
    ca_config "$icert" "$ikey"
    openssl ca -batch -config ca.cnf -in tmp.csr -out tmp.pem \
      -startdate "$start" -enddate "$end" -extfile ext.cnf -extensions "$ext" $(mdopt "$kt") $extra -notext 2>/dev/null
  fi
  openssl x509 -in tmp.pem -out "$out"
  rm -f tmp.csr tmp.pem
}

# The rule PKI: one ECDSA P-256 root and one case per RFC 5280 §6.1 rule, positive and negative
# (see test/unit/x509/path-validation.test.ts for which file shows what).
rules() {
  local R=rules kt=ecdsa-p256
  mkdir -p $R
  for k in root inter leaf other hostile; do genkey $kt $R/$k.key; done
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out $R/rsa1024.key
  issue $kt self $R/root.key "/O=puretls rules/CN=rules root" rules_ca $R/root.pem $R/root.key
  issue $kt $R/root.pem $R/root.key "/O=puretls rules/CN=rules inter" rules_pathlen0 $R/inter.pem $R/inter.key
  # The same intermediate (subject and key) once more, expired: an alternative path that fails.
  issue $kt $R/root.pem $R/root.key "/O=puretls rules/CN=rules inter" rules_pathlen0 $R/inter-expired.pem $R/inter.key 20200101000000Z 20210101000000Z
  issue $kt $R/inter.pem $R/inter.key "/CN=good" rules_leaf $R/good.pem $R/leaf.key
  issue $kt $R/inter.pem $R/inter.key "/CN=expired" rules_leaf $R/expired.pem $R/leaf.key 20200101000000Z 20210101000000Z
  issue $kt $R/inter.pem $R/inter.key "/CN=not yet valid" rules_leaf $R/notyet.pem $R/leaf.key 21200101000000Z 21240101000000Z
  issue $kt $R/inter.pem $R/inter.key "/CN=client only" rules_leaf_clientonly $R/eku-client.pem $R/leaf.key
  issue $kt $R/inter.pem $R/inter.key "/CN=key encipherment" rules_leaf_keyenc $R/ku-keyenc.pem $R/leaf.key
  issue $kt $R/inter.pem $R/inter.key "/CN=critical" rules_leaf_critical $R/critical-unknown.pem $R/leaf.key
  issue $kt $R/inter.pem $R/inter.key "/CN=sha1" rules_leaf $R/sha1.pem $R/leaf.key "$START" "$END" "-md sha1"
  issue $kt $R/inter.pem $R/inter.key "/CN=rsa1024" rules_leaf $R/rsa1024.pem $R/rsa1024.key
  issue $kt $R/inter.pem $R/inter.key "/CN=names" rules_leaf_names $R/names.pem $R/leaf.key
  issue $kt $R/inter.pem $R/inter.key "/CN=good.test" rules_leaf_cn_only $R/cn-only.pem $R/leaf.key
  # Issuers that break one rule each, with a leaf under each (all signed by root).
  issue $kt $R/root.pem $R/root.key "/CN=rules no keyCertSign" rules_noku $R/ca-noku.pem $R/other.key
  issue $kt $R/ca-noku.pem $R/other.key "/CN=under noku" rules_leaf $R/leaf-noku.pem $R/leaf.key
  issue $kt $R/root.pem $R/root.key "/CN=rules not a CA" rules_notca $R/ca-notca.pem $R/other.key
  issue $kt $R/ca-notca.pem $R/other.key "/CN=under notca" rules_leaf $R/leaf-notca.pem $R/leaf.key
  issue $kt $R/root.pem $R/root.key "/CN=rules clientAuth CA" rules_ekuclient_ca $R/ca-ekuclient.pem $R/other.key
  issue $kt $R/ca-ekuclient.pem $R/other.key "/CN=under clientAuth CA" rules_leaf $R/leaf-ekuclient.pem $R/leaf.key
  # pathlen:0 intermediate → a second CA → leaf: one intermediate too many.
  issue $kt $R/inter.pem $R/inter.key "/CN=rules inter2" rules_ca $R/inter2.pem $R/other.key
  issue $kt $R/inter2.pem $R/other.key "/CN=under inter2" rules_leaf $R/leaf-pathlen.pem $R/leaf.key
  # Name constraints (permitted allowed.test and 10/8, excluded bad.allowed.test and 10.9/16).
  issue $kt $R/root.pem $R/root.key "/CN=rules constrained CA" rules_nc $R/ca-nc.pem $R/other.key
  for c in ok dns_out dns_excl wild_excl ip_out ip_excl; do
    issue $kt $R/ca-nc.pem $R/other.key "/CN=nc $c" rules_leaf_nc_$c "$R/nc-${c//_/-}.pem" $R/leaf.key
  done
  issue $kt $R/root.pem $R/root.key "/CN=rules email-constrained CA" rules_nc_email $R/ca-nc-email.pem $R/other.key
  issue $kt $R/ca-nc-email.pem $R/other.key "/CN=under email nc" rules_leaf $R/leaf-nc-email.pem $R/leaf.key
  # Hostile: 15 self-issued CAs with one subject and one key (each is a valid issuer of every
  # other), and a leaf under that subject; nothing is trusted, so path building must give up.
  : > $R/hostile.chain.pem
  for i in $(seq 1 15); do
    issue $kt self $R/hostile.key "/CN=rules hostile" rules_ca $R/tmp-h.pem $R/hostile.key
    cat $R/tmp-h.pem >> $R/hostile.chain.pem
  done
  issue $kt $R/tmp-h.pem $R/hostile.key "/CN=hostile leaf" rules_leaf $R/hostile-leaf.pem $R/leaf.key
  rm -f $R/tmp-h.pem
  # Encrypted PKCS#8 (RFC 5958 / RFC 8018 PBES2) of the per-key-type leaf keys, passphrase "puretls".
  openssl pkcs8 -topk8 -in ecdsa-p256/end.key -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout pass:puretls -out $R/enc-p256-pbkdf2-sha256-aes256.key
  openssl pkcs8 -topk8 -in ecdsa-p384/end.key -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout pass:puretls -out $R/enc-p384-pbkdf2-sha1-aes128.key
  openssl pkcs8 -topk8 -in ed25519/end.key -scrypt -v2 aes-256-cbc -passout pass:puretls -out $R/enc-ed25519-scrypt-aes256.key
  openssl pkcs8 -topk8 -in rsa-2048/end.key -v2 aes-192-cbc -v2prf hmacWithSHA512 -passout pass:puretls -outform DER -out $R/enc-rsa-pbkdf2-sha512-aes192.der
}

# One key type's PKI (ca, inter, end, end.chain, client), as described at the top.
pki() { # $1=keytype
  local kt=$1
  mkdir -p "$kt"
  genkey "$kt" "$kt/ca.key"; genkey "$kt" "$kt/inter.key"; genkey "$kt" "$kt/end.key"; genkey "$kt" "$kt/client.key"
  issue "$kt" self "$kt/ca.key" "/O=puretls test/CN=puretls $kt root CA" ca_ext "$kt/ca.pem" "$kt/ca.key"
  issue "$kt" "$kt/ca.pem" "$kt/ca.key" "/O=puretls test/CN=puretls $kt intermediate CA" inter_ext "$kt/inter.pem" "$kt/inter.key"
  issue "$kt" "$kt/inter.pem" "$kt/inter.key" "/O=puretls test/CN=testserver.com" end_ext "$kt/end.pem" "$kt/end.key"
  issue "$kt" "$kt/inter.pem" "$kt/inter.key" "/O=puretls test/CN=puretls test client" client_ext "$kt/client.pem" "$kt/client.key"
  cat "$kt/end.pem" "$kt/inter.pem" > "$kt/end.chain.pem"
}

# The key types of issue 12 (ecdsa-p521, ed448, rsa-pss); rsa-pss also gets end-sha384.pem/.key, a
# leaf whose id-RSASSA-PSS key is restricted to SHA-384 (MGF1-SHA-384, salt 48).
breadth() {
  for kt in ecdsa-p521 ed448 rsa-pss; do pki "$kt"; done
  openssl genpkey -quiet -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_pss_keygen_md:sha384 \
    -pkeyopt rsa_pss_keygen_mgf1_md:sha384 -pkeyopt rsa_pss_keygen_saltlen:48 -out rsa-pss/end-sha384.key
  issue rsa-pss-sha384 rsa-pss/inter.pem rsa-pss/inter.key "/O=puretls test/CN=testserver.com" end_ext \
    rsa-pss/end-sha384.pem rsa-pss/end-sha384.key
}

write_ext
if [ "${1:-}" = breadth ]; then
  rm -rf db && mkdir db && echo 7000 > db/serial
  breadth
  rm -rf db ca.cnf ext.cnf
  echo "ok"
  exit 0
fi
if [ "${1:-}" = rules ]; then
  rm -rf db && mkdir db && echo 5000 > db/serial
  rules
  rm -rf db ca.cnf ext.cnf
  echo "ok"
  exit 0
fi
rm -rf db && mkdir db && echo 1000 > db/serial
for kt in ecdsa-p256 ecdsa-p384 ed25519 rsa-2048; do pki "$kt"; done
# An expired leaf (valid 2020-01-01 .. 2021-01-01) under the ecdsa-p256 intermediate, reusing end.key.
issue ecdsa-p256 ecdsa-p256/inter.pem ecdsa-p256/inter.key "/O=puretls test/CN=testserver.com" end_ext \
  ecdsa-p256/expired.pem ecdsa-p256/end.key 20200101000000Z 20210101000000Z
# rsa-2048/end-pss.pem: the same leaf signed with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32).
issue rsa-2048 rsa-2048/inter.pem rsa-2048/inter.key "/O=puretls test/CN=testserver.com" end_ext \
  rsa-2048/end-pss.pem rsa-2048/end.key "$START" "$END" \
  "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256"
echo 5000 > db/serial
rules
echo 7000 > db/serial
breadth
rm -rf db ca.cnf ext.cnf
echo "ok"
