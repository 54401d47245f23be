package dev.infer.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads {@code libinferkernels} from the jar ({@code /native/linux-x86_64/}) through a temporary file, once per
 * JVM (a native library binds to its class loader once, so the outcome is kept), and says why when it cannot.
 */
final class NativeLibrary {
    static final String RESOURCE = "/native/linux-x86_64/libinferkernels.so";

    /** Whether the library is usable, and the reason when it is not (or the instruction set when it is). */
    record Status(boolean loaded, String detail) {
    }

    private static Status status;

    private NativeLibrary() {
    }

    static synchronized Status load() {
        if (status == null) {
            status = tryLoad();
        }
        return status;
    }

    /** The instruction set the library runs with; throws where it did not load. */
    static String requireLoaded() {
        Status s = load();
        if (!s.loaded()) {
            throw new IllegalStateException("native kernels unavailable: " + s.detail());
        }
        return s.detail();
    }

    private static Status tryLoad() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Status(false, "no native kernels for " + os + "/" + arch + " (built for linux-x86_64)");
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new Status(false, RESOURCE + " is not in the jar (built without gcc?)");
            }
            Path file = Files.createTempFile("libinferkernels", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            return new Status(true, NativeBridge.isa());
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return new Status(false, "loading " + RESOURCE + " failed: " + e);
        }
    }
}
