package dev.infer.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The loader prefers native kernels whenever the build packaged the library, and falls back otherwise. */
class KernelsLoaderTest {
    @Test
    void nativeWheneverTheLibraryIsPackagedElseJava() throws Exception {
        boolean packaged = NativeLibrary.class.getResource(NativeLibrary.RESOURCE) != null;
        NativeLibrary.Status status = NativeLibrary.load();
        assertThat(status.loaded()).as(status.detail()).isEqualTo(packaged);
        try (AutoCloseable attention = (AutoCloseable) KernelsLoader.best(1);
             SamplingKernels sampling = KernelsLoader.bestSampling(1);
             LinearKernels linear = KernelsLoader.bestLinear(1)) {
            if (packaged) {
                assertThat(status.detail()).containsAnyOf("avx512", "avx2", "portable");
                assertThat(attention).isInstanceOf(NativeAttentionKernels.class);
                assertThat(sampling).isInstanceOf(NativeSamplingKernels.class);
                assertThat(linear).isInstanceOf(NativeLinearKernels.class);
            } else {
                assertThat(attention).isInstanceOf(VectorAttentionKernels.class);
                assertThat(sampling).isInstanceOf(JavaSamplingKernels.class);
                assertThat(linear).isInstanceOf(JavaLinearKernels.class);
            }
        }
    }

    @Test
    void aPropertyForcesTheJavaKernels() throws Exception {
        System.setProperty(KernelsLoader.PROPERTY, "java");
        try (AutoCloseable attention = (AutoCloseable) KernelsLoader.best(1);
             SamplingKernels sampling = KernelsLoader.bestSampling(1);
             LinearKernels linear = KernelsLoader.bestLinear(1)) {
            assertThat(attention).isInstanceOf(VectorAttentionKernels.class);
            assertThat(sampling).isInstanceOf(JavaSamplingKernels.class);
            assertThat(linear).isInstanceOf(JavaLinearKernels.class);
        } finally {
            System.clearProperty(KernelsLoader.PROPERTY);
        }
    }
}
