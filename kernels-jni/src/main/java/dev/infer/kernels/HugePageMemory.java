package dev.infer.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Off-heap memory for large read-mostly tensors (weights), backed by transparent huge pages where Linux offers
 * them. A decode step streams every weight from DRAM once; on 4 KiB pages that stream takes a TLB miss every 4 KiB
 * and the hardware prefetchers stop at each page boundary. Measured here (2-core Zen 3, THP in {@code madvise}
 * mode, {@code bench/membw/read_bandwidth.c}): a 2-thread read of 2 GiB runs at 23-26 GB/s on 4 KiB pages and
 * 25-29 GB/s on 2 MiB pages.
 *
 * <p>{@link Arena#allocate} cannot be used for this: it zeroes the memory, which faults every page in as 4 KiB
 * before {@code madvise} could ask for huge ones. So the memory is mapped anonymously (zero, untouched), the
 * aligned part advised {@code MADV_HUGEPAGE}, and unmapped when the owning arena closes. Where that is not
 * possible (another OS, a failed call) it falls back to {@link Arena#allocate}, which only costs the speed-up.
 */
public final class HugePageMemory {
    /** Smaller allocations gain nothing: they would not fill one huge page. */
    static final long HUGE_PAGE = 2L << 20;

    // Linux constants, the same on x86-64 and aarch64.
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    private static final Optional<Calls> CALLS = Calls.find();

    private HugePageMemory() {
    }

    /**
     * {@code bytes} of zeroed memory, 64-byte aligned at least, freed when {@code arena} closes; on huge pages when
     * it is at least {@value #HUGE_PAGE} bytes and the platform allows.
     */
    public static MemorySegment allocate(Arena arena, long bytes) {
        if (bytes >= HUGE_PAGE && CALLS.isPresent()) {
            MemorySegment mapped = CALLS.get().map(arena, bytes);
            if (mapped != null) {
                return mapped;
            }
        }
        return arena.allocate(bytes, 64);
    }

    /** The libc functions, looked up once; absent off Linux. */
    private record Calls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
        static Optional<Calls> find() {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return Optional.empty();
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                ValueLayout.OfLong size = ValueLayout.JAVA_LONG;
                MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT));
                MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size));
                return Optional.of(new Calls(mmap, madvise, munmap));
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }

        /** A mapping one huge page longer than asked, so a huge-page aligned start fits; null where mmap fails. */
        MemorySegment map(Arena arena, long bytes) {
            long length = bytes + HUGE_PAGE;
            MemorySegment base;
            try {
                base = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
            } catch (Throwable e) {
                return null;
            }
            if (base.address() == -1L) {
                return null;
            }
            try {
                long offset = -base.address() & (HUGE_PAGE - 1);
                MemorySegment aligned = MemorySegment.ofAddress(base.address() + offset);
                // Advice only: where THP is off the call fails or does nothing, and 4 KiB pages serve as before.
                int ignored = (int) madvise.invokeExact(aligned, bytes, MADV_HUGEPAGE);
                return aligned.reinterpret(bytes, arena, segment -> unmap(base, length));
            } catch (Throwable e) {
                unmap(base, length);
                return null;
            }
        }

        private void unmap(MemorySegment base, long length) {
            try {
                int ignored = (int) munmap.invokeExact(base, length);
            } catch (Throwable e) {
                throw new IllegalStateException("munmap failed", e);
            }
        }
    }
}
