/*
 * The CPU's own float32 multiply-add ceiling, for comparison with WebAssembly's (bench/_ceiling.ts):
 * 12 independent chains c ← c·x + y of fused multiply-adds on registers (no memory traffic), with
 * 256-bit vectors (AVX2 + FMA: what OpenBLAS's kernels under numpy and PyTorch use) and with 128-bit
 * ones (the width of WebAssembly SIMD's f32x4). Twelve chains cover an FMA's latency (4 cycles) at
 * two a cycle. Compiled by the bench with the machine's C compiler (-O2 -mavx2 -mfma); where there is
 * none, or the CPU lacks AVX2/FMA, the bench says so and goes on.
 *
 * Usage: fma_peak THREADS MILLISECONDS → one line "width threads GFLOP/s" for 256 and 128 bits, the
 * best of 5 runs of MILLISECONDS/5 each (a ceiling is the undisturbed rate).
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
static volatile float sink;
static long iterations;

static void *run256(void *unused) {
  (void)unused;
  __m256 c[CHAINS], x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(0.001f);
  for (int i = 0; i < CHAINS; i++) c[i] = _mm256_set1_ps((float)i);
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 12
    for (int j = 0; j < CHAINS; j++) c[j] = _mm256_fmadd_ps(c[j], x, y);
    __asm__ volatile("" : "+x"(x)); /* keeps the loop from being folded */
  }
  __m256 t = c[0];
  for (int i = 1; i < CHAINS; i++) t = _mm256_add_ps(t, c[i]);
  sink = _mm256_cvtss_f32(t);
  return NULL;
}

static void *run128(void *unused) {
  (void)unused;
  __m128 c[CHAINS], x = _mm_set1_ps(0.999f), y = _mm_set1_ps(0.001f);
  for (int i = 0; i < CHAINS; i++) c[i] = _mm_set1_ps((float)i);
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 12
    for (int j = 0; j < CHAINS; j++) c[j] = _mm_fmadd_ps(c[j], x, y);
    __asm__ volatile("" : "+x"(x));
  }
  __m128 t = c[0];
  for (int i = 1; i < CHAINS; i++) t = _mm_add_ps(t, c[i]);
  sink = _mm_cvtss_f32(t);
  return NULL;
}

/* GFLOP/s of `threads` threads running `fn` for `iterations` iterations each. */
static double rate(void *(*fn)(void *), int threads, int lanes) {
  pthread_t t[256];
  double t0 = now();
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, fn, NULL);
  for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
  return (double)iterations * CHAINS * lanes * 2 * threads / (now() - t0) / 1e9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double ms = argc > 2 ? atof(argv[2]) : 500;
  if (threads < 1 || threads > 256 || !(ms > 0)) {
    fprintf(stderr, "usage: fma_peak THREADS(1-256) MILLISECONDS\n");
    return 2;
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    fprintf(stderr, "this CPU lacks AVX2 or FMA\n");
    return 3;
  }
  /* Calibrate: iterations for one run of ms/5 on one thread at the 256-bit rate. */
  iterations = 1000000;
  double probe = rate(run256, 1, 8);
  iterations = (long)(probe * 1e9 * (ms / 5 / 1000) / (CHAINS * 8 * 2));
  if (iterations < 1000) iterations = 1000;
  double best256 = 0, best128 = 0;
  for (int s = 0; s < 5; s++) {
    double r = rate(run256, threads, 8);
    if (r > best256) best256 = r;
    r = rate(run128, threads, 4);
    if (r > best128) best128 = r;
  }
  printf("256 %d %.2f\n128 %d %.2f\n", threads, best256, threads, best128);
  return 0;
}
