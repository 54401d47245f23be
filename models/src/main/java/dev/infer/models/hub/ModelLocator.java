package dev.infer.models.hub;

import dev.infer.models.demo.DemoModel;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns the model argument a user gives into a local model directory:
 * <ul>
 *   <li>an existing directory: itself;</li>
 *   <li>{@code demo}: the built-in demo model (random weights, written on first use; see {@link DemoModel});</li>
 *   <li>{@code ORG/NAME} or {@code ORG/NAME@REVISION}: that Hugging Face repository, downloaded once into the
 *       standard Hugging Face cache (shared with Python) and served from it afterwards, also offline.</li>
 * </ul>
 */
public final class ModelLocator {
    private final HubSettings hub;
    private final Path demoRoot;
    private final ProgressListener progress;

    public ModelLocator(HubSettings hub, Path demoRoot, ProgressListener progress) {
        this.hub = hub;
        this.demoRoot = demoRoot;
        this.progress = progress;
    }

    /** Settings from {@code env} (HF_* variables, HOME, XDG_CACHE_HOME); progress on standard error. */
    public static ModelLocator fromEnv(Map<String, String> env) {
        return new ModelLocator(HubSettings.fromEnv(env), DemoModel.defaultRoot(env), ProgressListener.console());
    }

    public static ModelLocator fromEnvironment() {
        return fromEnv(System.getenv());
    }

    public static Path resolve(String modelArg, Map<String, String> env) {
        return fromEnv(env).resolve(modelArg);
    }

    public Path resolve(String modelArg) {
        if (modelArg == null || modelArg.isBlank()) {
            throw new IllegalArgumentException("no model given: pass a model directory, a Hugging Face repo id "
                    + "(ORG/NAME[@REVISION]) or \"" + DemoModel.MODEL_ARG + "\"");
        }
        Path local = localPath(modelArg);
        if (local != null && Files.isDirectory(local)) {
            return local.toAbsolutePath().normalize();
        }
        if (modelArg.equals(DemoModel.MODEL_ARG)) {
            return DemoModel.ensure(demoRoot);
        }
        if (RepoId.looksLike(modelArg) && !looksLikePath(modelArg)) {
            return new SnapshotDownloader(hub, progress).resolve(RepoId.parse(modelArg));
        }
        throw new IllegalArgumentException("model \"" + modelArg + "\": no such directory, and not a Hugging Face "
                + "repo id (ORG/NAME[@REVISION]) or \"" + DemoModel.MODEL_ARG + "\"");
    }

    private Path localPath(String arg) {
        String home = System.getProperty("user.home");
        String expanded = arg.equals("~") ? home : arg.startsWith("~/") ? home + arg.substring(1) : arg;
        try {
            return Path.of(expanded);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Arguments that are clearly paths never go to the hub, so a typo gives "no such directory". */
    private static boolean looksLikePath(String arg) {
        return arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("../") || arg.startsWith("~");
    }
}
