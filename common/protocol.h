/* The protocol's constants, shared by client and server. */
#ifndef JY_PROTOCOL_H
#define JY_PROTOCOL_H

/*
 * Protocol version spoken on the wire (Hello/Welcome).
 * Don't forget to bump it when proto/jianyi.proto changes in a way an older
 * peer would misread (a renumbered field, a changed meaning, a new rule the
 * other side must follow). Adding a new request type an old server answers
 * with STATUS_UNIMPLEMENTED does not need a bump.
 */
#define JY_PROTOCOL_VERSION 1

/* ALPN identifier both sides insist on. */
#define JY_ALPN "jianyi/1"

#ifndef JY_SOFTWARE_VERSION
#define JY_SOFTWARE_VERSION "0.0.0"
#endif

#define JY_DEFAULT_PORT 7443
#define JY_DEFAULT_MAX_FRAME (1024u * 1024u)   /* bytes of one encoded envelope */
#define JY_MIN_MAX_FRAME 1024u
#define JY_HARD_MAX_FRAME (64u * 1024u * 1024u)
#define JY_DEFAULT_MAX_IN_FLIGHT 64u

/* Decoding may allocate at most this many bytes per byte of frame body
 * (protobuf-c's unpacked structures are larger than the wire form). */
#define JY_DECODE_BUDGET_FACTOR 16u
#define JY_DECODE_BUDGET_MIN (64u * 1024u)

#endif
