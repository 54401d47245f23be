package dev.infer.models.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Allocates large off-heap buffers whose lifetime is an {@link Arena}.
 *
 * <p>Why not just {@code arena.allocate}: it zeroes the memory on one thread and the kernel then faults it in
 * 4 KiB pages; on the project's VMs that costs 1–3 s per GiB before a single weight is written. On Linux, when
 * this module has native access, we instead map anonymous memory (already zero, no extra pass) and ask for
 * transparent huge pages with {@code madvise(MADV_HUGEPAGE)}, which cuts page-fault time about tenfold. The
 * mapping is unmapped when the arena closes. Anywhere else we fall back to {@code arena.allocate}.
 */
@SuppressWarnings("restricted") // native calls are gated on isNativeAccessEnabled() below
final class OffHeapAllocator {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long HUGE_PAGE = 2L << 20;

    private OffHeapAllocator() {
    }

    /** {@code bytes} of zeroed memory, aligned to at least 64 bytes, freed when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes >= HUGE_PAGE && Mmap.AVAILABLE) {
            MemorySegment mapped = Mmap.map(arena, bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        return arena.allocate(Math.max(bytes, 1), 64);
    }

    /** The libc handles, looked up once; absent when we may not or cannot call native code. */
    private static final class Mmap {
        static final boolean AVAILABLE;
        static final MethodHandle MMAP;
        static final MethodHandle MUNMAP;
        static final MethodHandle MADVISE;

        static {
            MethodHandle mmap = null;
            MethodHandle munmap = null;
            MethodHandle madvise = null;
            // Calling restricted methods without --enable-native-access prints a warning on every JVM start;
            // the plain allocator is correct, only slower, so we use native calls only where they are enabled.
            boolean usable = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                    && OffHeapAllocator.class.getModule().isNativeAccessEnabled();
            if (usable) {
                try {
                    Linker linker = Linker.nativeLinker();
                    var libc = linker.defaultLookup();
                    mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                    munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                    madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                } catch (RuntimeException e) {
                    usable = false;
                }
            }
            AVAILABLE = usable;
            MMAP = mmap;
            MUNMAP = munmap;
            MADVISE = madvise;
        }

        /** An anonymous private mapping tied to {@code arena}, or null if the kernel refused it. */
        static MemorySegment map(Arena arena, long bytes) {
            try {
                MemorySegment address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (address.address() == -1L || address.address() == 0L) {
                    return null;
                }
                // Advice only: with THP off this fails or does nothing, and 4 KiB pages still work.
                int ignored = (int) MADVISE.invokeExact(address, bytes, MADV_HUGEPAGE);
                return address.reinterpret(bytes, arena, s -> unmap(s.address(), bytes));
            } catch (Throwable t) {
                return null;
            }
        }

        private static void unmap(long address, long bytes) {
            try {
                int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), bytes);
            } catch (Throwable t) {
                throw new IllegalStateException("munmap failed", t);
            }
        }
    }
}
