/* Debian's libargon2 (libargon2-dev): argon2id_hash_encoded / argon2id_verify. */
#include <argon2.h>
