/*
 * paxta-sim — one seeded random stream: xoshiro256** (Blackman and Vigna,
 * "Scrambled linear pseudorandom number generators", 2018), its state
 * filled by splitmix64 as the authors recommend. Integer arithmetic only,
 * so every machine draws the same numbers from the same seed.
 */
#include "sim.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

double
sim_rng_range(struct sim_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * sim_rng_unit(r);
}

uint32_t
sim_rng_below(struct sim_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the bias is below 2^-32 for our n. */
	return (uint32_t)(((sim_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int
sim_rng_between(struct sim_rng *r, int lo, int hi)
{
	return lo + (int)sim_rng_below(r, (uint32_t)(hi - lo + 1));
}
