package dev.infer.batching.kv;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many KV blocks a memory budget buys: {@code --kv-cache-memory} as a size ("4GiB", "512MB", bytes), or a
 * fraction of the memory available now (Linux {@code MemAvailable}, which counts reclaimable page cache, else the
 * JVM's view of free physical memory).
 */
public final class KvCacheSizing {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?)b?");

    private KvCacheSizing() {
    }

    /** Blocks that fit {@code budgetBytes}, plus the reserved null block; at least 2 (one usable). */
    public static int blocksFor(long budgetBytes, long bytesPerBlock) {
        if (budgetBytes <= 0 || bytesPerBlock <= 0) {
            throw new IllegalArgumentException("--kv-cache-memory must be > 0 (got " + budgetBytes + " bytes; a block takes "
                    + bytesPerBlock + ")");
        }
        long blocks = budgetBytes / bytesPerBlock;
        if (blocks < 2) {
            throw new IllegalArgumentException("--kv-cache-memory of " + budgetBytes + " bytes holds no KV block; one "
                    + "block takes " + bytesPerBlock + " bytes");
        }
        return (int) Math.min(blocks, Integer.MAX_VALUE);
    }

    /** Parses "4GiB", "4 GB", "512m", "1.5G", "1048576": k/m/g/t are powers of 1024 with or without the "i". */
    public static long parseBytes(String text) {
        return parseBytes(text, "--kv-cache-memory");
    }

    /** As {@link #parseBytes(String)}, naming {@code option} in its error. */
    public static long parseBytes(String text, String option) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": \"" + text + "\" is not a size like 4GiB, 512MB or "
                    + "a number of bytes");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes < 1 || bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException(option + ": \"" + text + "\" is out of range");
        }
        return (long) bytes;
    }

    /** {@code fraction} of the memory available now. */
    public static long fractionOfAvailable(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--kv-cache-fraction must be in (0, 1], got " + fraction);
        }
        return (long) (availableMemory() * fraction);
    }

    static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException notLinux) {
            // fall through to the JVM's view
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getFreeMemorySize();
    }
}
