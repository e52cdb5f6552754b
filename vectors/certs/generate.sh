#!/usr/bin/env bash
# Generates the test PKI in vectors/certs/<keytype>/ with the openssl binary (3.0+).
# For each key type: ca (self-signed root, cA), inter (intermediate, cA, pathlen 0),
# end (server leaf: SAN DNS:localhost, DNS:testserver.com, IP:127.0.0.1; EKU serverAuth+clientAuth),
# end.chain.pem (end + inter), client (EKU clientAuth). ecdsa-p256 also gets expired.pem (2020-2021).
# Validity: 2024-01-01 .. 2124-01-01 (set through `openssl ca -startdate/-enddate`).
# Keys are PKCS#8 PEM. Usage: bash vectors/certs/generate.sh   (overwrites the files)
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
  esac
}

mdopt() { # ed25519 takes no digest
  if [ "$1" = ed25519 ]; then echo ""; else
    case "$1" in ecdsa-p384) echo "-md sha384" ;; *) echo "-md sha256" ;; esac
  fi
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
  openssl req -new -key "$key" -subj "$subj" -out tmp.csr $( [ "$kt" = ed25519 ] || echo -sha256 )
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

write_ext
rm -rf db && mkdir db && echo 1000 > db/serial
for kt in ecdsa-p256 ecdsa-p384 ed25519 rsa-2048; do
  mkdir -p "$kt"
  genkey "$kt" "$kt/ca.key"; genkey "$kt" "$kt/inter.key"; genkey "$kt" "$kt/end.key"; genkey "$kt" "$kt/client.key"
  issue "$kt" self "$kt/ca.key" "/O=puretls test/CN=puretls $kt root CA" ca_ext "$kt/ca.pem" "$kt/ca.key"
  issue "$kt" "$kt/ca.pem" "$kt/ca.key" "/O=puretls test/CN=puretls $kt intermediate CA" inter_ext "$kt/inter.pem" "$kt/inter.key"
  issue "$kt" "$kt/inter.pem" "$kt/inter.key" "/O=puretls test/CN=testserver.com" end_ext "$kt/end.pem" "$kt/end.key"
  issue "$kt" "$kt/inter.pem" "$kt/inter.key" "/O=puretls test/CN=puretls test client" client_ext "$kt/client.pem" "$kt/client.key"
  cat "$kt/end.pem" "$kt/inter.pem" > "$kt/end.chain.pem"
done
# An expired leaf (valid 2020-01-01 .. 2021-01-01) under the ecdsa-p256 intermediate, reusing end.key.
issue ecdsa-p256 ecdsa-p256/inter.pem ecdsa-p256/inter.key "/O=puretls test/CN=testserver.com" end_ext \
  ecdsa-p256/expired.pem ecdsa-p256/end.key 20200101000000Z 20210101000000Z
# rsa-2048/end-pss.pem: the same leaf signed with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32).
issue rsa-2048 rsa-2048/inter.pem rsa-2048/inter.key "/O=puretls test/CN=testserver.com" end_ext \
  rsa-2048/end-pss.pem rsa-2048/end.key "$START" "$END" \
  "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256"
rm -rf db ca.cnf ext.cnf
echo "ok"
