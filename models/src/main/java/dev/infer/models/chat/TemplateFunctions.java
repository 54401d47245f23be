package dev.infer.models.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;

/** The global functions transformers adds to the chat-template environment. */
final class TemplateFunctions {
    private TemplateFunctions() {
    }

    /** Thrown by {@code raise_exception(msg)}; {@link ChatTemplate} finds it in Jinjava's error chain. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message);
        }
    }

    static List<ELFunctionDefinition> definitions() {
        return List.of(
                function("raise_exception", "raiseException"),
                function("strftime_now", "strftimeNow"));
    }

    /** The template rejects its input: rendering stops with the template's own message. */
    static Object raiseException(Object message) {
        throw new RaisedException(String.valueOf(message));
    }

    /**
     * Python's {@code datetime.now().strftime(format)} (Llama 3.x templates print today's date). The clock and
     * zone come from the Jinjava configuration, so tests and deployments can fix them.
     */
    static String strftimeNow(String format) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        long millis = interpreter.getConfig().getDateTimeProvider().getCurrentTimeMillis();
        ZonedDateTime now = Instant.ofEpochMilli(millis).atZone(interpreter.getConfig().getTimeZone());
        // Jinjava reads a format without '%' as a named style ("medium"); Python prints such text unchanged.
        return format.indexOf('%') < 0 ? format : StrftimeFormatter.format(now, format, Locale.US);
    }

    private static ELFunctionDefinition function(String name, String javaName) {
        try {
            Method method = TemplateFunctions.class.getDeclaredMethod(javaName,
                    javaName.equals("strftimeNow") ? String.class : Object.class);
            // The class is package-private; Jinjava invokes the method reflectively from its own package.
            method.setAccessible(true);
            return new ELFunctionDefinition("", name, method);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
