package dev.infer.models.hub;

import java.util.regex.Pattern;

/**
 * A Hugging Face model repository and revision, written {@code ORG/NAME} or {@code ORG/NAME@REVISION}
 * (revision: a branch, tag or commit; default {@code main}).
 */
public record RepoId(String id, String revision) {
    public static final String DEFAULT_REVISION = "main";

    /** The hub's rule for each half of a repo id: word characters, '-' and '.', at most 96 long. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public RepoId {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("not a Hugging Face repo id (expected ORG/NAME): " + id);
        }
        if (revision == null || revision.isBlank() || revision.contains("..") || revision.startsWith("/")
                || revision.chars().anyMatch(ch -> ch < 0x20 || ch == '\\')) {
            throw new IllegalArgumentException("invalid revision \"" + revision + "\" for " + id);
        }
    }

    /** True if {@code arg} has the shape {@code ORG/NAME[@REVISION]} (it may still not exist on the hub). */
    public static boolean looksLike(String arg) {
        if (arg == null) {
            return false;
        }
        int at = arg.indexOf('@');
        return isValidId(at < 0 ? arg : arg.substring(0, at)) && (at < 0 || at < arg.length() - 1);
    }

    public static RepoId parse(String arg) {
        int at = arg.indexOf('@');
        return at < 0 ? new RepoId(arg, DEFAULT_REVISION) : new RepoId(arg.substring(0, at), arg.substring(at + 1));
    }

    private static boolean isValidId(String id) {
        if (id == null) {
            return false;
        }
        String[] parts = id.split("/", -1);
        if (parts.length != 2) {
            return false;
        }
        for (String p : parts) {
            if (!PART.matcher(p).matches() || p.contains("--") || p.contains("..") || p.endsWith(".")
                    || p.endsWith("-")) {
                return false;
            }
        }
        return true;
    }

    /** The cache folder name huggingface_hub uses: {@code models--ORG--NAME}. */
    public String cacheFolderName() {
        return "models--" + id.replace("/", "--");
    }

    /** True when the revision is already a full commit hash (so it needs no ref file). */
    public boolean revisionIsCommit() {
        return isCommit(revision);
    }

    static boolean isCommit(String s) {
        return s != null && COMMIT.matcher(s).matches();
    }

    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? id : id + "@" + revision;
    }
}
