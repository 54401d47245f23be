package dev.infer.models.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import jinjava.javax.el.CompositeELResolver;

import java.time.Clock;

/**
 * A Jinjava engine set up to render Hugging Face chat templates the way transformers' Jinja2 environment
 * ({@code trim_blocks=True, lstrip_blocks=True}) does. Jinjava's own trim/lstrip options stay off:
 * {@link TemplateSourceRewriter} applies both with Jinja2's exact rules (Jinjava's lstrip also eats spaces in
 * the middle of a line), together with the expression rewrites Jinjava needs.
 */
final class HfJinjava {
    private HfJinjava() {
    }

    static Jinjava create(Clock clock) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        // {{- x -}} and {#- -#} trim like Jinja2 (Jinjava's legacy behaviour differs)
                        .withUseTrimmingForNotesAndExpressions(true)
                        // Python iterates a dict's keys
                        .withIterateOverMapKeys(true)
                        .build())
                // Without this Jinjava renders "{{ ... }}" found in a variable's value as a template: user
                // message text must never be executed.
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver)
                .withDateTimeProvider(clock::millis)
                .withTimeZone(clock.getZone())
                .build();
        Jinjava jinjava = new Jinjava(config);
        Context globals = jinjava.getGlobalContext();
        globals.registerFilter(new TojsonFilter());
        globals.registerTag(new PyForTag());
        TemplateFunctions.definitions().forEach(globals::registerFunction);
        return jinjava;
    }
}
