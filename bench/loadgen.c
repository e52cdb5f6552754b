/*
 * bench/loadgen.c — the load generator of `npm run bench`: a minimal TLS 1.3 client (RFC 8446) in
 * C on libcrypto's primitives, one process, one thread, non-blocking sockets on epoll, so that one
 * core keeps a server on the other core saturated. It is a load generator, not a TLS client to
 * trust: it reuses one X25519 key share for every connection, verifies nothing the server sends
 * (no certificate, CertificateVerify or Finished check) and offers exactly one cipher suite and
 * one group. What it must get right to be counted is checked by the server: a wrong key schedule
 * or Finished ends in an alert, and the generator counts that as an error, not an operation.
 * (OpenSSL's own client, libssl 3.0, spends ~0.9 ms of CPU per handshake: more than the servers
 * it would load. This one spends well under a tenth of that; the bench prints the figure.)
 *
 * Built by bench/_loadgen.ts: `gcc -O2 bench/loadgen.c -lcrypto` (Debian: gcc, libssl-dev).
 *
 * Modes (--mode):
 *   full        connect, full 1-RTT handshake (ECDHE X25519), close_notify, close; repeat
 *   resume      the same, resuming (RFC 8446 §2.2, psk_dhe_ke) with a ticket taken by a first
 *               full handshake; a handshake the server did not resume counts as an error
 *   download    one connection per slot: sends "D", counts the bytes the server streams back
 *   upload      one connection per slot: sends "U", then streams bytes to the server
 *   idle        opens --conc connections (16 handshakes in flight at most) and holds them
 *   http-keep   keep-alive connections, one --request after another; op = complete response
 *   http-new    per op: connect, handshake, one request, the whole response, close
 *   http-resume http-new, resuming with single-use tickets: a pool of tickets, filled by the first
 *               (full) handshakes; each connection takes one ticket (used once) and puts back the
 *               first new ticket the server sends it, so every resumption is a legitimate one for
 *               a server whose tickets work once (RFC 8446 §8.1). An empty pool or a ticket the
 *               server refuses gives a full handshake: counted ("fullHandshakes"), not an error
 *   http-0rtt   http-resume, sending the request as 0-RTT early data (RFC 8446 §2.3, §4.2.10) with
 *               every ticket that allows it; counted as accepted or rejected from the server's
 *               EncryptedExtensions (the request is sent again after the handshake when rejected)
 *               --tickets reuse (http-resume): the pool's tickets are offered again and again, round
 *               robin, and no connection waits for a new one: for servers whose tickets are not
 *               single-use (stateless tickets, node:tls)
 *   upstream    no TLS: an HTTP/1.1 keep-alive server on --port answering --body bytes
 *
 * The parent drives it on stdin: "m" prints one JSON line (cumulative counters; latency
 * percentiles in µs over the ops since the previous "m"), "q" or end of input exits. --ops N /
 * --bytes N stop after that many operations / payload bytes, printing the last line (for tests).
 */
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init & co: the low-level calls, no provider lookups */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum mode { M_FULL, M_RESUME, M_DOWNLOAD, M_UPLOAD, M_IDLE, M_HTTP_KEEP, M_HTTP_NEW, M_UPSTREAM, M_HTTP_RESUME, M_HTTP_0RTT };
/* S_HS: handshake in progress; S_TICKET: waiting for a ticket (resume mode's first connection;
 * http-resume and http-0rtt after the response, when the ticket has not arrived yet). */
/* S_LINGER: close_notify and FIN sent, reading (and dropping) what the server sends until it closes. */
enum state { S_FREE, S_HS, S_TICKET, S_DOWN, S_UP, S_IDLE, S_RESP, S_LINGER, S_UPSTREAM };

#define REC_MAX (5 + 16384 + 256)     /* RFC 8446 §5.2: TLSCiphertext at most 2^14 + 256 */
#define HS_MAX 65536                  /* a server flight larger than this is refused */
#define OUT_MAX (4 * REC_MAX)
#define IN_BULK (16 * REC_MAX)        /* download: fewer, larger reads */

struct aead {
  EVP_CIPHER_CTX *ctx;
  uint8_t iv[12];
  uint64_t seq;
};

/* Handshake state, allocated for the handshake only. */
struct hs {
  SHA256_CTX th;                      /* transcript hash (RFC 8446 §4.4.1) */
  uint8_t hs_secret[32], c_hs[32], s_hs[32];
  uint8_t msgs[HS_MAX];               /* decrypted handshake bytes not yet parsed */
  size_t mlen;
  int have_sh, resumed;
  int psk_offered, early_sent, early_accepted;
  uint8_t derived[32];                /* with psk_offered: Derive-Secret(early secret, "derived", "") */
};

/* A ticket and what the client derived from it (RFC 8446 §4.6.1, §7.1). */
struct ticket {
  uint8_t id[2048];
  size_t id_len;
  uint32_t age_add, max_early;        /* max_early: the early_data extension's, 0 without one */
  uint64_t received_ns;
  uint8_t early_secret[32], derived[32], binder_fkey[32];
};

struct conn {
  int fd;
  enum state st;
  uint64_t t0;                        /* start of the op being timed (ns) */
  struct hs *hs;
  struct aead rd, wr;
  uint8_t master[32];                 /* for the resumption secret (resume mode's first connection) */
  SHA256_CTX th_after_cfin;
  uint8_t *in;                        /* received bytes not yet a whole record (in_cap) */
  size_t ilen;
  uint8_t *out;                       /* bytes to send (OUT_MAX) */
  uint32_t ev;                        /* the epoll events asked for */
  size_t olen, ooff;
  size_t rlen;                        /* http: response bytes so far */
  char *resp;
  int closing;                        /* close once `out` is flushed */
  int got_ticket, early_ok;           /* http-resume, http-0rtt: this connection's ticket is in; its early data was accepted */
  uint64_t ticket_deadline_ns;        /* S_TICKET in http-resume, http-0rtt: give up waiting then */
};

static enum mode mode;
static const char *host = "127.0.0.1";
static int port, conc = 1;
static long long max_ops = -1, max_bytes = -1;
static uint16_t suite = 0x1301;       /* TLS_AES_128_GCM_SHA256 or 0x1303 TLS_CHACHA20_POLY1305_SHA256 */
static const char *request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static long body_len = 1024;

static const EVP_CIPHER *cipher;
static size_t key_len;
static EVP_PKEY *x25519_key;          /* the one reused client key share */
static EVP_PKEY_CTX *x25519_ctx;
static uint8_t x25519_pub[32];
static uint8_t zeros[32], empty_hash[32], early_nopsk[32], derived_nopsk[32];
static uint8_t client_random[32], session_id[32];
static uint64_t hello_counter;

/* resume: the ticket every connection offers (RFC 8446 §4.6.1) */
static int have_ticket;
static struct ticket one_ticket;
/* http-resume, http-0rtt: the single-use tickets, first in first out */
static struct ticket *pool;
static size_t pool_cap, pool_head, pool_len, pool_next;
static int reuse_tickets;             /* --tickets reuse */
static long long resumed_hs, full_hs, early_accepted, early_rejected, no_ticket;
#define TICKET_WAIT_NS 2000000000ull  /* a connection waits this long for its ticket after the response */

static int epfd;
static int draining; /* "q" arrived: finish the handshakes in flight, start none, then exit */
static uint64_t drain_deadline_ns;
static struct conn *conns;
static int nconns;
static long long ops, errors, not_resumed, bytes_in, bytes_out, started;
static int established;
static char first_error[160];
static uint8_t payload[16384];
static size_t in_cap = REC_MAX;

static uint32_t *lat;
static size_t nlat;
static const size_t lat_cap = 1 << 20;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(2);
}

/* ---------- HMAC-SHA256, HKDF (RFC 5869) and the TLS 1.3 key schedule (RFC 8446 §7.1) ---------- */

static void hmac(const uint8_t *key, size_t klen, const uint8_t *d1, size_t l1, const uint8_t *d2, size_t l2, uint8_t out[32]) {
  uint8_t k[64] = { 0 }, pad[64];
  if (klen > 64) SHA256(key, klen, k);
  else memcpy(k, key, klen);
  SHA256_CTX c;
  for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, d1, l1);
  if (l2) SHA256_Update(&c, d2, l2);
  SHA256_Final(out, &c);
  for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
  SHA256_Init(&c);
  SHA256_Update(&c, pad, 64);
  SHA256_Update(&c, out, 32);
  SHA256_Final(out, &c);
}

static void hkdf_extract(const uint8_t salt[32], const uint8_t *ikm, size_t len, uint8_t out[32]) {
  hmac(salt, 32, ikm, len, NULL, 0, out);
}

/* RFC 8446 §7.1 HKDF-Expand-Label, for outputs of at most 32 bytes (one HMAC block). */
static void expand_label(const uint8_t secret[32], const char *label, const uint8_t *ctx, size_t clen, uint8_t *out, size_t len) {
  uint8_t info[2 + 1 + 6 + 32 + 1 + 255 + 1], t[32];
  size_t ll = strlen(label), n = 0;
  info[n++] = 0;
  info[n++] = (uint8_t)len;
  info[n++] = (uint8_t)(6 + ll);
  memcpy(info + n, "tls13 ", 6);
  n += 6;
  memcpy(info + n, label, ll);
  n += ll;
  info[n++] = (uint8_t)clen;
  memcpy(info + n, ctx, clen);
  n += clen;
  info[n++] = 1;
  hmac(secret, 32, info, n, NULL, 0, t);
  memcpy(out, t, len);
}

static void derive_secret(const uint8_t secret[32], const char *label, const uint8_t hash[32], uint8_t out[32]) {
  expand_label(secret, label, hash, 32, out, 32);
}

static void transcript_hash(const SHA256_CTX *th, uint8_t out[32]) {
  SHA256_CTX c = *th;
  SHA256_Final(out, &c);
}

/* ---------- record protection (RFC 8446 §5.2, §5.3) ---------- */

static void aead_key(struct aead *a, const uint8_t secret[32]) {
  uint8_t key[32];
  expand_label(secret, "key", NULL, 0, key, key_len);
  expand_label(secret, "iv", NULL, 0, a->iv, 12);
  if (a->ctx == NULL) a->ctx = EVP_CIPHER_CTX_new();
  EVP_CipherInit_ex(a->ctx, cipher, NULL, key, NULL, -1);
  a->seq = 0;
}

static void nonce(const struct aead *a, uint8_t n[12]) {
  memcpy(n, a->iv, 12);
  for (int i = 0; i < 8; i++) n[11 - i] ^= (uint8_t)(a->seq >> (8 * i));
}

/* Appends one protected record (inner content type `type`) to c->out. */
static int seal(struct conn *c, uint8_t type, const uint8_t *data, size_t len) {
  if (c->olen + 5 + len + 1 + 16 > OUT_MAX && c->ooff > 0) { /* make room: drop what was sent */
    memmove(c->out, c->out + c->ooff, c->olen - c->ooff);
    c->olen -= c->ooff;
    c->ooff = 0;
  }
  if (c->olen + 5 + len + 1 + 16 > OUT_MAX) return -1;
  uint8_t *r = c->out + c->olen, n[12];
  size_t clen = len + 1 + 16;
  r[0] = 23, r[1] = 3, r[2] = 3, r[3] = (uint8_t)(clen >> 8), r[4] = (uint8_t)clen;
  memcpy(r + 5, data, len);
  r[5 + len] = type;
  nonce(&c->wr, n);
  int l;
  EVP_CipherInit_ex(c->wr.ctx, NULL, NULL, NULL, n, 1);
  EVP_CipherUpdate(c->wr.ctx, NULL, &l, r, 5);
  EVP_CipherUpdate(c->wr.ctx, r + 5, &l, r + 5, (int)(len + 1));
  EVP_CipherFinal_ex(c->wr.ctx, r + 5 + len + 1, &l);
  EVP_CIPHER_CTX_ctrl(c->wr.ctx, EVP_CTRL_AEAD_GET_TAG, 16, r + 5 + len + 1);
  c->wr.seq++;
  c->olen += 5 + clen;
  return 0;
}

/* Opens the record at `r` in place; returns the inner content length and sets *type, or -1. */
static int open_record(struct aead *a, uint8_t *r, size_t rlen, uint8_t *type) {
  if (rlen < 5 + 17) return -1;
  uint8_t n[12];
  int l;
  size_t clen = rlen - 5 - 16;
  nonce(a, n);
  EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, n, 0);
  EVP_CipherUpdate(a->ctx, NULL, &l, r, 5);
  EVP_CipherUpdate(a->ctx, r + 5, &l, r + 5, (int)clen);
  EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, 16, r + 5 + clen);
  if (EVP_CipherFinal_ex(a->ctx, r + 5 + clen, &l) != 1) return -1;
  a->seq++;
  while (clen > 0 && r[5 + clen - 1] == 0) clen--; /* RFC 8446 §5.4 padding */
  if (clen == 0) return -1;
  *type = r[5 + clen - 1];
  return (int)clen - 1;
}

/* ---------- counters, latencies, the JSON line ---------- */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint32_t pct(double p) {
  if (nlat == 0) return 0;
  size_t i = (size_t)(p / 100.0 * (double)nlat + 0.999999);
  if (i > 0) i--;
  return lat[i < nlat ? i : nlat - 1];
}

static void mark(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long long cpu_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  qsort(lat, nlat, sizeof *lat, cmp_u32);
  printf("{\"ops\":%lld,\"errors\":%lld,\"notResumed\":%lld,\"bytesIn\":%lld,\"bytesOut\":%lld,\"established\":%d,"
         "\"started\":%lld,\"resumed\":%lld,\"fullHandshakes\":%lld,\"earlyAccepted\":%lld,\"earlyRejected\":%lld,\"noTicket\":%lld,"
         "\"latN\":%zu,\"p50\":%u,\"p90\":%u,\"p99\":%u,\"cpuUs\":%lld,\"firstError\":\"%s\"}\n",
         ops, errors, not_resumed, bytes_in, bytes_out, established, started, resumed_hs, full_hs, early_accepted, early_rejected,
         no_ticket, nlat, pct(50), pct(90), pct(99), cpu_us, first_error);
  fflush(stdout);
  nlat = 0;
}

/* Ends an upload so that every byte written reaches the server: our FIN after the data, then
 * the server's side read to its end (closing with unread bytes would send a reset instead). */
static void linger_close(int fd) {
  shutdown(fd, SHUT_WR);
  struct pollfd p = { .fd = fd, .events = POLLIN };
  uint8_t sink[16384];
  uint64_t end = now_ns() + 3000000000ull;
  while (now_ns() < end && poll(&p, 1, 100) >= 0) {
    ssize_t r = read(fd, sink, sizeof sink);
    if (r == 0 || (r < 0 && errno != EAGAIN)) break;
  }
  close(fd);
}

static void finish_if_done(void) {
  if (mode == M_UPLOAD) for (int i = 0; i < nconns; i++) if (conns[i].olen > conns[i].ooff) return;
  if ((max_ops >= 0 && ops >= max_ops) || (max_bytes >= 0 && bytes_in + bytes_out >= max_bytes)) {
    if (mode == M_UPLOAD) for (int i = 0; i < nconns; i++) if (conns[i].fd >= 0) linger_close(conns[i].fd);
    mark();
    exit(0);
  }
}

static void record_op(struct conn *c) {
  ops++;
  if (nlat < lat_cap) lat[nlat++] = (uint32_t)((now_ns() - c->t0) / 1000);
  finish_if_done(); /* --ops: exactly that many */
}

/* ---------- connections ---------- */

static void start_conn(struct conn *c);

static void close_conn(struct conn *c, int reopen) {
  if (c->fd >= 0) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
  }
  free(c->hs);
  c->hs = NULL;
  if (c->st == S_IDLE) established--;
  c->st = S_FREE;
  c->ilen = c->olen = c->ooff = c->rlen = 0;
  c->closing = 0;
  if (reopen) start_conn(c);
}

static void fail(struct conn *c, const char *what) {
  errors++;
  if (first_error[0] == 0) snprintf(first_error, sizeof first_error, "%s", what);
  close_conn(c, mode != M_IDLE);
}

static void want(struct conn *c, uint32_t ev) {
  if (c->ev == ev) return;
  c->ev = ev;
  struct epoll_event e = { .events = ev, .data.ptr = c };
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* Writes what is pending: 0 when all is sent, 1 when the socket is full, -1 on an error. */
static int flush_out(struct conn *c) {
  while (c->ooff < c->olen) {
    ssize_t w = write(c->fd, c->out + c->ooff, c->olen - c->ooff);
    if (w < 0) {
      if (errno == EAGAIN) {
        want(c, EPOLLIN | EPOLLOUT);
        return 1;
      }
      return -1;
    }
    c->ooff += (size_t)w;
  }
  c->ooff = c->olen = 0;
  want(c, EPOLLIN);
  return 0;
}

static void put(uint8_t **p, const void *d, size_t n) {
  memcpy(*p, d, n);
  *p += n;
}
static void put16(uint8_t **p, unsigned v) {
  (*p)[0] = (uint8_t)(v >> 8), (*p)[1] = (uint8_t)v;
  *p += 2;
}

/* http-resume, http-0rtt: connect, handshake (resumed when a ticket is at hand), one request. */
static int pooled(void) {
  return mode == M_HTTP_RESUME || mode == M_HTTP_0RTT;
}
static int http_new_like(void) {
  return mode == M_HTTP_NEW || pooled();
}

/* The oldest ticket of the pool, removed from it (each is offered once), or NULL. */
static const struct ticket *pool_take(void) {
  if (pool_len == 0) return NULL;
  if (reuse_tickets) return &pool[pool_next++ % pool_len];
  const struct ticket *t = &pool[pool_head];
  pool_head = (pool_head + 1) % pool_cap;
  pool_len--;
  return t; /* valid until the next pool_put: client_hello uses it at once */
}

/* A free place at the end of the pool, or NULL when it is full (the new ticket is then dropped). */
static struct ticket *pool_slot(void) {
  return pool_len == pool_cap ? NULL : &pool[(pool_head + pool_len) % pool_cap];
}

/* RFC 8446 §4.1.2 ClientHello in a plaintext record, into c->out; starts the transcript. */
static void client_hello(struct conn *c) {
  uint8_t *rec = c->out, *p = rec + 9, *ext_len_at, *body = rec + 5;
  const struct ticket *t = mode == M_RESUME && have_ticket ? &one_ticket : pooled() ? pool_take() : NULL;
  size_t request_len = strlen(request);
  int early = t != NULL && mode == M_HTTP_0RTT && t->max_early >= request_len;
  uint64_t k = ++hello_counter;
  memcpy(client_random + 24, &k, 8); /* distinct randoms, no RNG call per connection */
  put16(&p, 0x0303);
  put(&p, client_random, 32);
  *p++ = 32;
  put(&p, session_id, 32); /* middlebox compatibility mode (RFC 8446 Appendix D.4), as browsers and OpenSSL */
  put16(&p, 2);
  put16(&p, suite);
  *p++ = 1, *p++ = 0;
  ext_len_at = p;
  p += 2;
  put16(&p, 0), put16(&p, 14), put16(&p, 12), *p++ = 0, put16(&p, 9), put(&p, "localhost", 9); /* server_name */
  put16(&p, 10), put16(&p, 4), put16(&p, 2), put16(&p, 0x001d);                                /* supported_groups */
  static const uint16_t schemes[] = { 0x0403, 0x0804, 0x0807, 0x0503, 0x0805, 0x0806, 0x0401, 0x0501 };
  put16(&p, 13), put16(&p, 2 + sizeof schemes), put16(&p, sizeof schemes);
  for (size_t i = 0; i < sizeof schemes / 2; i++) put16(&p, schemes[i]);
  put16(&p, 43), put16(&p, 3), *p++ = 2, put16(&p, 0x0304);                                   /* supported_versions */
  put16(&p, 51), put16(&p, 38), put16(&p, 36), put16(&p, 0x001d), put16(&p, 32), put(&p, x25519_pub, 32);
  put16(&p, 45), put16(&p, 2), *p++ = 1, *p++ = 1;                                            /* psk_dhe_ke */
  if (early) put16(&p, 42), put16(&p, 0);                                                      /* early_data */
  uint8_t *binder_at = NULL;
  if (t != NULL) { /* pre_shared_key, last (RFC 8446 §4.2.11) */
    uint32_t age = (uint32_t)((now_ns() - t->received_ns) / 1000000) + t->age_add;
    put16(&p, 41), put16(&p, (unsigned)(2 + 2 + t->id_len + 4 + 2 + 33));
    put16(&p, (unsigned)(2 + t->id_len + 4)), put16(&p, (unsigned)t->id_len), put(&p, t->id, t->id_len);
    uint8_t a[4] = { (uint8_t)(age >> 24), (uint8_t)(age >> 16), (uint8_t)(age >> 8), (uint8_t)age };
    put(&p, a, 4);
    binder_at = p;
    put16(&p, 33), *p++ = 32;
    p += 32;
  }
  size_t ext_len = (size_t)(p - ext_len_at - 2), hlen = (size_t)(p - body - 4);
  ext_len_at[0] = (uint8_t)(ext_len >> 8), ext_len_at[1] = (uint8_t)ext_len;
  body[0] = 1, body[1] = (uint8_t)(hlen >> 16), body[2] = (uint8_t)(hlen >> 8), body[3] = (uint8_t)hlen;
  rec[0] = 22, rec[1] = 3, rec[2] = 1, rec[3] = (uint8_t)((hlen + 4) >> 8), rec[4] = (uint8_t)(hlen + 4);
  SHA256_Init(&c->hs->th);
  if (binder_at) { /* RFC 8446 §4.2.11.2: the binder covers the hello up to the binders list */
    uint8_t h[32];
    SHA256_Update(&c->hs->th, body, (size_t)(binder_at - body));
    transcript_hash(&c->hs->th, h);
    hmac(t->binder_fkey, 32, h, 32, NULL, 0, binder_at + 3);
    SHA256_Update(&c->hs->th, binder_at, 35);
  } else {
    SHA256_Update(&c->hs->th, body, hlen + 4);
  }
  c->olen = (size_t)(p - rec);
  c->ooff = 0;
  if (t != NULL) {
    c->hs->psk_offered = 1;
    memcpy(c->hs->derived, t->derived, 32);
  }
  if (early) { /* RFC 8446 §2.3: the request right behind the hello, under client_early_traffic_secret */
    uint8_t h[32], cets[32];
    transcript_hash(&c->hs->th, h);
    derive_secret(t->early_secret, "c e traffic", h, cets);
    aead_key(&c->wr, cets);
    static const uint8_t ccs[6] = { 20, 3, 3, 0, 1, 1 }; /* middlebox compatibility: the one CCS, before the first encrypted record */
    memcpy(c->out + c->olen, ccs, 6);
    c->olen += 6;
    seal(c, 23, (const uint8_t *)request, request_len);
    c->hs->early_sent = 1;
  }
}

static void start_conn(struct conn *c) {
  if (draining) return;
  started++;
  c->t0 = now_ns();
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  inet_pton(AF_INET, host, &a.sin_addr);
  c->hs = malloc(sizeof *c->hs); /* not calloc: 64 KiB of zeroes per handshake show in a profile */
  c->hs->mlen = 0;
  c->hs->have_sh = c->hs->resumed = c->hs->psk_offered = c->hs->early_sent = c->hs->early_accepted = 0;
  c->got_ticket = c->early_ok = 0;
  c->st = S_HS;
  struct epoll_event e = { .events = EPOLLOUT, .data.ptr = c };
  c->ev = EPOLLOUT;
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) != 0) die("epoll_ctl");
  client_hello(c);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
    errors++; /* retried by the main loop, not here (no recursion while the server is away) */
    close_conn(c, 0);
  }
  /* The hello goes out when the socket is writable (EPOLLOUT, then flush_out). */
}

/* RFC 8446 §4.1.3 ServerHello: the server's key share, and whether it took our PSK. */
static int server_hello(struct conn *c, const uint8_t *m, size_t len) {
  static const uint8_t hrr[32] = { 0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                                   0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C };
  if (len < 2 + 32 + 1) return -1;
  if (memcmp(m + 2, hrr, 32) == 0) return -1; /* HelloRetryRequest: not expected, we sent the share */
  size_t o = 34, sid = m[o];
  o += 1 + sid + 3;
  if (o + 2 > len) return -1;
  size_t end = o + 2 + (size_t)((m[o] << 8) | m[o + 1]);
  const uint8_t *share = NULL;
  if (end > len) return -1;
  for (o += 2; o + 4 <= end;) {
    unsigned type = (unsigned)((m[o] << 8) | m[o + 1]), elen = (unsigned)((m[o + 2] << 8) | m[o + 3]);
    if (o + 4 + elen > end) return -1;
    if (type == 51 && elen == 36) share = m + o + 8;
    if (type == 41) c->hs->resumed = 1;
    o += 4 + elen;
  }
  if (share == NULL || (c->hs->resumed && !c->hs->psk_offered)) return -1;
  uint8_t ecdhe[32];
  size_t elen = 32;
  EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, share, 32);
  int ok = peer != NULL && EVP_PKEY_derive_set_peer(x25519_ctx, peer) == 1 && EVP_PKEY_derive(x25519_ctx, ecdhe, &elen) == 1;
  EVP_PKEY_free(peer);
  if (!ok) return -1;
  uint8_t h[32];
  transcript_hash(&c->hs->th, h);
  hkdf_extract(c->hs->resumed ? c->hs->derived : derived_nopsk, ecdhe, 32, c->hs->hs_secret);
  derive_secret(c->hs->hs_secret, "c hs traffic", h, c->hs->c_hs);
  derive_secret(c->hs->hs_secret, "s hs traffic", h, c->hs->s_hs);
  aead_key(&c->rd, c->hs->s_hs);
  if (!c->hs->early_sent) aead_key(&c->wr, c->hs->c_hs); /* else: early keys until EndOfEarlyData */
  return 0;
}

/* RFC 8446 §4.3.1 EncryptedExtensions: an early_data extension there accepts our 0-RTT data. */
static int encrypted_extensions(struct conn *c, const uint8_t *m, size_t len) {
  if (len < 2 || 2 + (size_t)((m[0] << 8) | m[1]) != len) return -1;
  for (size_t o = 2; o + 4 <= len;) {
    unsigned type = (unsigned)((m[o] << 8) | m[o + 1]), elen = (unsigned)((m[o + 2] << 8) | m[o + 3]);
    if (o + 4 + elen > len) return -1;
    if (type == 42) {
      if (!c->hs->early_sent || !c->hs->resumed) return -1;
      c->hs->early_accepted = 1;
    }
    o += 4 + elen;
  }
  return 0;
}

static void after_handshake(struct conn *c);

/* The server's Finished arrived: send ours (RFC 8446 §4.4.4), switch to application keys. */
static int client_finished(struct conn *c) {
  uint8_t h[32], fk[32], msg[4 + 32], derived[32], zero_ikm[32] = { 0 }, cap[32], sap[32];
  transcript_hash(&c->hs->th, h);
  derive_secret(c->hs->hs_secret, "derived", empty_hash, derived);
  hkdf_extract(derived, zero_ikm, 32, c->master);
  derive_secret(c->master, "c ap traffic", h, cap); /* RFC 8446 §7.1: ClientHello...server Finished */
  derive_secret(c->master, "s ap traffic", h, sap);
  if (c->hs->early_sent) {
    if (c->hs->early_accepted) { /* RFC 8446 §4.5 EndOfEarlyData, the last record under the early keys */
      static const uint8_t eoed[4] = { 5, 0, 0, 0 };
      if (seal(c, 22, eoed, 4) != 0) return -1;
      SHA256_Update(&c->hs->th, eoed, 4);
      transcript_hash(&c->hs->th, h); /* RFC 8446 §4.4: the client Finished covers it */
      early_accepted++;
    } else {
      early_rejected++;
    }
    c->early_ok = c->hs->early_accepted;
    aead_key(&c->wr, c->hs->c_hs);
  }
  expand_label(c->hs->c_hs, "finished", NULL, 0, fk, 32);
  msg[0] = 20, msg[1] = 0, msg[2] = 0, msg[3] = 32;
  hmac(fk, 32, h, 32, NULL, 0, msg + 4);
  SHA256_Update(&c->hs->th, msg, sizeof msg);
  c->th_after_cfin = c->hs->th;
  if (!c->hs->early_sent) { /* with early data, the CCS went right after the hello */
    static const uint8_t ccs[6] = { 20, 3, 3, 0, 1, 1 };
    memcpy(c->out + c->olen, ccs, 6);
    c->olen += 6;
  }
  if (seal(c, 22, msg, sizeof msg) != 0) return -1;
  aead_key(&c->rd, sap);
  aead_key(&c->wr, cap);
  free(c->hs);
  c->hs = NULL;
  return 0;
}

/* Parses whole handshake messages gathered in hs->msgs. */
static int handshake_messages(struct conn *c) {
  struct hs *hs = c->hs;
  size_t o = 0;
  while (hs != NULL && o + 4 <= hs->mlen) {
    size_t len = ((size_t)hs->msgs[o + 1] << 16) | ((size_t)hs->msgs[o + 2] << 8) | hs->msgs[o + 3];
    if (o + 4 + len > hs->mlen) break;
    uint8_t type = hs->msgs[o];
    const uint8_t *m = hs->msgs + o;
    if (!hs->have_sh) {
      if (type != 2) return -1;
      SHA256_Update(&hs->th, m, 4 + len);
      if (server_hello(c, m + 4, len) != 0) return -1;
      hs->have_sh = 1;
    } else {
      SHA256_Update(&hs->th, m, 4 + len);
      if (type == 8 && encrypted_extensions(c, m + 4, len) != 0) return -1;
      if (type == 20) { /* server Finished: not checked (see the top of this file) */
        if (o + 4 + len != hs->mlen) return -1;
        int full_when_resuming = mode == M_RESUME && have_ticket && !hs->resumed;
        if (hs->resumed) resumed_hs++;
        else full_hs++;
        if (client_finished(c) != 0) return -1;
        if (full_when_resuming) {
          not_resumed++;
          return -2;
        }
        after_handshake(c);
        return 0;
      }
    }
    o += 4 + len;
  }
  if (hs != NULL && o > 0) {
    memmove(hs->msgs, hs->msgs + o, hs->mlen - o);
    hs->mlen -= o;
  }
  return 0;
}

static int add_handshake_bytes(struct conn *c, const uint8_t *d, size_t n) {
  if (c->hs->mlen + n > HS_MAX) return -1;
  memcpy(c->hs->msgs + c->hs->mlen, d, n);
  c->hs->mlen += n;
  return handshake_messages(c);
}

/* RFC 8446 §4.6.1 NewSessionTicket, when resume mode still needs its ticket, or into the pool
 * (the first one a connection gets; a full pool drops it). */
static void new_session_ticket(struct conn *c, const uint8_t *m, size_t len) {
  struct ticket *t = mode == M_RESUME && !have_ticket ? &one_ticket : pooled() && !c->got_ticket ? pool_slot() : NULL;
  if (pooled()) c->got_ticket = 1;
  if (t == NULL || len < 4 + 4 + 4 + 1) return;
  const uint8_t *b = m + 4;
  size_t o = 4;
  uint32_t age_add = ((uint32_t)b[o] << 24) | ((uint32_t)b[o + 1] << 16) | ((uint32_t)b[o + 2] << 8) | b[o + 3];
  o += 4;
  size_t nlen = b[o];
  const uint8_t *nonce_p = b + o + 1;
  o += 1 + nlen;
  if (o + 2 > len - 4) return;
  size_t tlen = (size_t)((b[o] << 8) | b[o + 1]);
  if (o + 2 + tlen > len - 4 || tlen > sizeof t->id) return;
  memcpy(t->id, b + o + 2, tlen);
  t->id_len = tlen;
  t->age_add = age_add;
  t->received_ns = now_ns();
  t->max_early = 0;
  o += 2 + tlen;
  if (o + 2 <= len - 4) { /* extensions: early_data carries max_early_data_size (RFC 8446 §4.2.10) */
    size_t end = o + 2 + (size_t)((b[o] << 8) | b[o + 1]);
    for (o += 2; o + 4 <= end && end <= len - 4;) {
      unsigned type = (unsigned)((b[o] << 8) | b[o + 1]), elen = (unsigned)((b[o + 2] << 8) | b[o + 3]);
      if (o + 4 + elen > end) break;
      if (type == 42 && elen == 4) t->max_early = ((uint32_t)b[o + 4] << 24) | ((uint32_t)b[o + 5] << 16) | ((uint32_t)b[o + 6] << 8) | b[o + 7];
      o += 4 + elen;
    }
  }
  uint8_t h[32], rms[32], psk[32], binder_key[32];
  transcript_hash(&c->th_after_cfin, h);
  derive_secret(c->master, "res master", h, rms);
  expand_label(rms, "resumption", nonce_p, nlen, psk, 32);
  hkdf_extract(zeros, psk, 32, t->early_secret);
  derive_secret(t->early_secret, "res binder", empty_hash, binder_key);
  expand_label(binder_key, "finished", NULL, 0, t->binder_fkey, 32);
  derive_secret(t->early_secret, "derived", empty_hash, t->derived);
  if (t == &one_ticket) have_ticket = 1;
  else pool_len++;
}

/* HTTP/1.1 response complete? (headers + Content-Length bytes of body) */
static int response_done(struct conn *c) {
  char *end = memmem(c->resp, c->rlen, "\r\n\r\n", 4);
  if (end == NULL) return 0;
  size_t head = (size_t)(end - c->resp) + 4;
  long clen = 0;
  for (char *p = c->resp; p < end; p++)
    if ((p == c->resp || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
      clen = strtol(p + 15, NULL, 10);
      break;
    }
  return c->rlen >= head + (size_t)clen;
}

static void send_request(struct conn *c) {
  c->rlen = 0;
  c->st = S_RESP;
  if (seal(c, 23, (const uint8_t *)request, strlen(request)) != 0) fail(c, "request too long");
}

/* Queues records while an uploading connection has room (and --bytes is not reached). */
static void fill_upload(struct conn *c) {
  while (c->olen + REC_MAX <= OUT_MAX && (max_bytes < 0 || bytes_out < max_bytes)) {
    seal(c, 23, payload, sizeof payload);
    bytes_out += sizeof payload;
  }
}

static void after_handshake(struct conn *c) {
  switch (mode) {
    case M_FULL:
    case M_RESUME:
      if (mode == M_RESUME && !have_ticket) {
        c->st = S_TICKET;
        return;
      }
      record_op(c);
      seal(c, 21, (const uint8_t *)"\1\0", 2); /* close_notify */
      c->closing = 1;
      return;
    case M_IDLE:
      record_op(c);
      established++;
      c->st = S_IDLE;
      return;
    case M_DOWNLOAD:
      seal(c, 23, (const uint8_t *)"D", 1);
      c->st = S_DOWN;
      return;
    case M_UPLOAD:
      seal(c, 23, (const uint8_t *)"U", 1);
      c->st = S_UP;
      fill_upload(c);
      return;
    case M_HTTP_KEEP:
    case M_HTTP_NEW:
    case M_HTTP_RESUME:
      send_request(c);
      return;
    case M_HTTP_0RTT:
      if (!c->early_ok) {
        send_request(c); /* rejected (or not sent): the request again, now as 1-RTT data */
        return;
      }
      c->rlen = 0;
      c->st = S_RESP;
      return;
    default:
      return;
  }
}

/* Application data from the server. */
static void app_data(struct conn *c, const uint8_t *d, size_t n) {
  bytes_in += (long long)n;
  finish_if_done();
  if (c->st != S_RESP) return;
  if (c->rlen + n > (size_t)body_len + 4096) {
    fail(c, "response too long");
    return;
  }
  memcpy(c->resp + c->rlen, d, n);
  c->rlen += n;
  if (!response_done(c)) return;
  record_op(c);
  if (pooled() && !reuse_tickets && !c->got_ticket) { /* its ticket is not in yet: wait for it (bounded) */
    c->st = S_TICKET;
    c->ticket_deadline_ns = now_ns() + TICKET_WAIT_NS;
  } else if (http_new_like()) {
    seal(c, 21, (const uint8_t *)"\1\0", 2);
    c->closing = 1;
  } else {
    c->t0 = now_ns();
    send_request(c);
  }
}

/* One whole record at c->in. Returns -1 to fail the connection. */
static int on_record(struct conn *c, uint8_t *r, size_t rlen) {
  uint8_t type = r[0];
  if (type == 20) return 0; /* change_cipher_spec (middlebox compatibility) */
  if (type == 21) return -1; /* a plaintext alert */
  if (type == 22) {
    if (c->hs == NULL || c->hs->have_sh) return -1;
    return add_handshake_bytes(c, r + 5, rlen - 5);
  }
  if (type != 23 || (c->hs != NULL && !c->hs->have_sh)) return -1;
  uint8_t inner;
  int n = open_record(&c->rd, r, rlen, &inner);
  if (n < 0) return -1;
  if (c->hs != NULL) {
    if (inner != 22) return -1;
    return add_handshake_bytes(c, r + 5, (size_t)n);
  }
  if (inner == 23) {
    app_data(c, r + 5, (size_t)n);
    return 0;
  }
  if (inner == 22) { /* post-handshake messages: NewSessionTicket(s) */
    size_t o = 0;
    while (o + 4 <= (size_t)n) {
      size_t len = ((size_t)r[5 + o + 1] << 16) | ((size_t)r[5 + o + 2] << 8) | r[5 + o + 3];
      if (o + 4 + len > (size_t)n) return -1;
      if (r[5 + o] == 4) new_session_ticket(c, r + 5 + o, 4 + len);
      o += 4 + len;
    }
    if (c->st == S_TICKET && (mode == M_RESUME ? have_ticket : c->got_ticket)) {
      seal(c, 21, (const uint8_t *)"\1\0", 2);
      c->closing = 1;
    }
    return 0;
  }
  if (inner == 21) return r[5] == 1 && r[6] == 0 ? -3 : -1; /* close_notify : another alert */
  return -1;
}

static void on_readable(struct conn *c) {
  for (;;) {
    ssize_t got = read(c->fd, c->in + c->ilen, in_cap - c->ilen);
    if (got == 0 || (got < 0 && errno != EAGAIN)) {
      fail(c, got == 0 ? "closed by the server" : "read");
      return;
    }
    if (got < 0) return;
    c->ilen += (size_t)got;
    size_t o = 0;
    while (o + 5 <= c->ilen) {
      size_t rlen = 5 + (size_t)((c->in[o + 3] << 8) | c->in[o + 4]);
      if (rlen > REC_MAX) {
        fail(c, "record too long");
        return;
      }
      if (o + rlen > c->ilen) break;
      int r = on_record(c, c->in + o, rlen);
      if (c->st == S_FREE) return; /* failed inside */
      if (r == -3) {
        fail(c, "close_notify from the server");
        return;
      }
      if (r == -2) {
        fail(c, "not resumed");
        return;
      }
      if (r < 0) {
        fail(c, c->hs != NULL ? "handshake" : "record");
        return;
      }
      o += rlen;
    }
    memmove(c->in, c->in + o, c->ilen - o);
    c->ilen -= o;
    if (c->closing) break;
  }
}

/* The end of a connection whose work is done: reopen, or start the rest once a ticket is in. */
static void closed(struct conn *c) {
  close_conn(c, mode != M_IDLE && mode != M_RESUME ? 1 : 0);
  if (mode == M_RESUME && have_ticket)
    for (int i = 0; i < nconns; i++) if (conns[i].st == S_FREE) start_conn(&conns[i]);
  finish_if_done();
}

/* Closes as a polite client does (no reset, no error on the server's side): after close_notify,
 * our FIN, then the server's records (its tickets, its close_notify) are read to its FIN. */
static void linger(struct conn *c) {
  uint8_t sink[16384];
  for (;;) {
    ssize_t r = read(c->fd, sink, sizeof sink);
    if (r > 0) continue;
    if (r < 0 && errno == EAGAIN) return;
    closed(c);
    return;
  }
}

static void on_event(struct conn *c, uint32_t ev) {
  if (c->st == S_LINGER) {
    linger(c);
    return;
  }
  if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
  if (c->st == S_FREE) return;
  for (;;) { /* an upload keeps writing until the socket is full */
    if (c->st == S_UP) fill_upload(c);
    int r = flush_out(c);
    if (r < 0) {
      fail(c, "write");
      return;
    }
    if (r == 1 || c->st != S_UP) break;
    finish_if_done(); /* upload: only once everything queued is written */
  }
  if (c->closing && c->olen == 0) {
    shutdown(c->fd, SHUT_WR);
    c->st = S_LINGER;
    c->closing = 0;
    linger(c);
  }
}

/* ---------- upstream mode: a minimal HTTP/1.1 keep-alive server (the proxy's backend) ---------- */

static char *response;
static size_t response_len;

static void upstream_read(struct conn *c) {
  for (;;) {
    ssize_t r = read(c->fd, c->in + c->ilen, REC_MAX - c->ilen);
    if (r <= 0) {
      if (r < 0 && errno == EAGAIN) return;
      epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
      close(c->fd);
      free(c->in);
      free(c);
      return;
    }
    c->ilen += (size_t)r;
    char *end;
    while ((end = memmem(c->in, c->ilen, "\r\n\r\n", 4)) != NULL) {
      size_t used = (size_t)((uint8_t *)end - c->in) + 4;
      /* A small answer to a local proxy: a short write would be a bench bug, so say so. */
      if (write(c->fd, response, response_len) != (ssize_t)response_len) {
        errors++;
        snprintf(first_error, sizeof first_error, "upstream short write");
      }
      ops++;
      memmove(c->in, c->in + used, c->ilen - used);
      c->ilen -= used;
    }
    if (c->ilen == REC_MAX) c->ilen = 0;
  }
}

static void run_upstream(void) {
  response = malloc((size_t)body_len + 256);
  response_len = (size_t)sprintf(response, "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: %ld\r\n\r\n", body_len);
  memset(response + response_len, 'x', (size_t)body_len);
  response_len += (size_t)body_len;
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  inet_pton(AF_INET, host, &a.sin_addr);
  if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 4096) != 0) die("upstream listen");
  socklen_t al = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &al);
  printf("{\"port\":%d}\n", ntohs(a.sin_port));
  fflush(stdout);
  static int lmark, imark;
  struct epoll_event e = { .events = EPOLLIN, .data.ptr = &lmark }, ie = { .events = EPOLLIN, .data.ptr = &imark };
  epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &e);
  epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ie);
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(epfd, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == &lmark) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *c = calloc(1, sizeof *c);
          c->in = malloc(REC_MAX);
          c->fd = fd;
          struct epoll_event ce = { .events = EPOLLIN, .data.ptr = c };
          epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ce);
        }
      } else if (evs[i].data.ptr == &imark) {
        char cmd[64];
        ssize_t r = read(0, cmd, sizeof cmd);
        if (r <= 0 || memchr(cmd, 'q', (size_t)r)) exit(0);
        if (memchr(cmd, 'm', (size_t)r)) mark();
      } else upstream_read(evs[i].data.ptr);
    }
  }
}

/* ---------- main ---------- */

static void usage(void) {
  fprintf(stderr, "usage: loadgen --port N --mode full|resume|download|upload|idle|http-keep|http-new|http-resume|http-0rtt|upstream\n"
                  "       [--host A] [--conc N] [--ops N] [--bytes N] [--suite aes128|chacha20] [--request TEXT] [--body N]\n"
                  "       [--tickets once|reuse]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *m = NULL;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) usage();
    const char *k = argv[i], *v = argv[i + 1];
    if (!strcmp(k, "--port")) port = atoi(v);
    else if (!strcmp(k, "--host")) host = v;
    else if (!strcmp(k, "--mode")) m = v;
    else if (!strcmp(k, "--conc")) conc = atoi(v);
    else if (!strcmp(k, "--ops")) max_ops = atoll(v);
    else if (!strcmp(k, "--bytes")) max_bytes = atoll(v);
    else if (!strcmp(k, "--suite")) suite = !strcmp(v, "chacha20") ? 0x1303 : !strcmp(v, "aes128") ? 0x1301 : 0;
    else if (!strcmp(k, "--request")) request = v;
    else if (!strcmp(k, "--body")) body_len = atol(v);
    else if (!strcmp(k, "--tickets") && (!strcmp(v, "once") || !strcmp(v, "reuse"))) reuse_tickets = !strcmp(v, "reuse");
    else usage();
  }
  static const char *names[] = { "full", "resume", "download", "upload", "idle", "http-keep", "http-new", "upstream", "http-resume", "http-0rtt" };
  int mi = -1;
  for (int i = 0; m != NULL && i < 10; i++) if (!strcmp(m, names[i])) mi = i;
  if (mi < 0 || conc < 1 || suite == 0) usage();
  mode = (enum mode)mi;
  if (reuse_tickets && mode != M_HTTP_RESUME) usage(); /* 0-RTT with a reused ticket would be a replay */

  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  lat = malloc(lat_cap * sizeof *lat);
  if (mode == M_UPSTREAM) run_upstream();

  cipher = suite == 0x1301 ? EVP_aes_128_gcm() : EVP_chacha20_poly1305();
  key_len = suite == 0x1301 ? 16 : 32;
  EVP_PKEY_CTX *kg = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
  size_t pl = 32;
  if (kg == NULL || EVP_PKEY_keygen_init(kg) != 1 || EVP_PKEY_keygen(kg, &x25519_key) != 1 ||
      EVP_PKEY_get_raw_public_key(x25519_key, x25519_pub, &pl) != 1)
    die("X25519 key generation");
  EVP_PKEY_CTX_free(kg);
  x25519_ctx = EVP_PKEY_CTX_new(x25519_key, NULL);
  if (EVP_PKEY_derive_init(x25519_ctx) != 1) die("X25519 derive");
  RAND_bytes(client_random, 32);
  RAND_bytes(session_id, 32);
  SHA256(NULL, 0, empty_hash);
  hkdf_extract(zeros, zeros, 32, early_nopsk);
  derive_secret(early_nopsk, "derived", empty_hash, derived_nopsk);
  memset(payload, 0x55, sizeof payload);

  nconns = conc;
  conns = calloc((size_t)nconns, sizeof *conns);
  if (mode == M_DOWNLOAD) in_cap = IN_BULK;
  for (int i = 0; i < nconns; i++) {
    conns[i].fd = -1;
    conns[i].in = malloc(in_cap);
    conns[i].out = malloc(OUT_MAX);
    if (mode == M_HTTP_KEEP || http_new_like()) conns[i].resp = malloc((size_t)body_len + 4096);
  }
  if (pooled()) { /* room for every connection's ticket and as many again */
    pool_cap = 2 * (size_t)nconns + 16;
    pool = malloc(pool_cap * sizeof *pool);
  }
  static int stdin_mark;
  struct epoll_event ie = { .events = EPOLLIN, .data.ptr = &stdin_mark };
  epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ie);

  /* resume: one connection fetches the ticket first; idle: at most 16 handshakes in flight. */
  int next = mode == M_RESUME ? 1 : mode == M_IDLE ? (nconns < 16 ? nconns : 16) : nconns;
  for (int i = 0; i < next; i++) start_conn(&conns[i]);

  struct epoll_event evs[512];
  for (;;) {
    int n = epoll_wait(epfd, evs, 512, 1000);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == &stdin_mark) {
        char cmd[64];
        ssize_t r = read(0, cmd, sizeof cmd);
        if (r <= 0 || memchr(cmd, 'q', (size_t)r)) {
          if (r > 0) mark();
          if (mode != M_FULL && mode != M_RESUME && !http_new_like()) return 0;
          draining = 1;
          drain_deadline_ns = now_ns() + 2000000000ull;
          epoll_ctl(epfd, EPOLL_CTL_DEL, 0, NULL);
          continue;
        }
        if (memchr(cmd, 'm', (size_t)r)) mark();
        continue;
      }
      on_event(evs[i].data.ptr, evs[i].events);
    }
    if (draining) { /* connections closing or closed are not restarted; exit when none is left */
      int busy = 0;
      for (int i = 0; i < nconns; i++) busy += conns[i].st != S_FREE;
      if (busy == 0 || now_ns() > drain_deadline_ns) return 0;
      continue;
    }
    if (pooled()) { /* a connection whose ticket never came: close it, count it */
      uint64_t now = now_ns();
      for (int i = 0; i < nconns; i++)
        if (conns[i].st == S_TICKET && now > conns[i].ticket_deadline_ns) {
          no_ticket++;
          conns[i].got_ticket = 1;
          seal(&conns[i], 21, (const uint8_t *)"\1\0", 2);
          conns[i].closing = 1;
          on_event(&conns[i], 0);
        }
    }
    if (mode == M_IDLE) {
      int in_flight = 0;
      for (int i = 0; i < next; i++) in_flight += conns[i].st == S_HS;
      for (; in_flight < 16 && next < nconns; next++, in_flight++) start_conn(&conns[next]);
    } else if (mode != M_RESUME || have_ticket) {
      for (int i = 0; i < nconns; i++) if (conns[i].st == S_FREE) start_conn(&conns[i]);
    } else if (conns[0].st == S_FREE) {
      start_conn(&conns[0]); /* the ticket connection failed: try again */
    }
  }
}
