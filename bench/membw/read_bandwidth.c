/* How fast two cores read memory here: sums a 2 GiB fp32 array with AVX2 on OMP_NUM_THREADS threads, 5 times.
 *   gcc -O3 -mavx2 -mfma -fopenmp read_bandwidth.c -o read_bandwidth && OMP_NUM_THREADS=2 ./read_bandwidth
 * Any argument asks for transparent huge pages (madvise). Used for the rooflines in BENCHMARKS.md. */
#include <sys/mman.h>
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <omp.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  size_t n=(size_t)512<<20; /* floats = 2 GiB */
  int huge=argc>1;
  float*a=aligned_alloc(1<<21,n*4);
  if(huge) madvise(a,n*4,14/*MADV_HUGEPAGE*/);
  #pragma omp parallel for
  for(size_t i=0;i<n;i++)a[i]=i*1e-9f;
  for(int rep=0;rep<5;rep++){
    double t0=now(); float tot=0;
    #pragma omp parallel reduction(+:tot)
    { __m256 s0=_mm256_setzero_ps(),s1=s0,s2=s0,s3=s0;
      #pragma omp for schedule(static)
      for(size_t i=0;i<n;i+=32){ s0=_mm256_add_ps(s0,_mm256_load_ps(a+i)); s1=_mm256_add_ps(s1,_mm256_load_ps(a+i+8)); s2=_mm256_add_ps(s2,_mm256_load_ps(a+i+16)); s3=_mm256_add_ps(s3,_mm256_load_ps(a+i+24)); }
      float o[8]; _mm256_storeu_ps(o,_mm256_add_ps(_mm256_add_ps(s0,s1),_mm256_add_ps(s2,s3))); for(int j=0;j<8;j++)tot+=o[j]; }
    double t=now()-t0; printf("%s threads=%d %.2f GB/s (%g)\n",huge?"huge":"4k",omp_get_max_threads(),n*4/t/1e9,tot);
  }
}
