package dev.infer.server;

/**
 * The {@code --engine} the HTTP and gRPC tests load: {@code djl} unless {@code -Dinference.test.engine} names
 * another. The build runs those tests once per engine (see the surefire executions in server/pom.xml).
 */
public final class TestEngine {
    public static final String PROPERTY = "inference.test.engine";

    private TestEngine() {
    }

    public static String name() {
        String name = System.getProperty(PROPERTY, "");
        return name.isBlank() ? "djl" : name;
    }
}
