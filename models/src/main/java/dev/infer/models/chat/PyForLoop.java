package dev.infer.models.chat;

import com.hubspot.jinjava.util.ForLoop;

import java.util.List;

/**
 * The {@code loop} variable of a {@code for} tag, adding Jinja2's {@code loop.previtem} and
 * {@code loop.nextitem} to Jinjava's loop (index, index0, first, last, length, revindex, cycle, break and
 * continue support). Public only because Jinjava resolves {@code loop.previtem} by reflection on getters.
 */
public final class PyForLoop extends ForLoop {
    private final List<?> items;
    private int position = -1;

    PyForLoop(List<?> items) {
        super(items.iterator(), items.size());
        this.items = items;
    }

    @Override
    public Object next() {
        Object item = super.next();
        position++;
        return item;
    }

    /** The previous item, or null (undefined) on the first iteration. */
    public Object getPrevitem() {
        return position > 0 ? items.get(position - 1) : null;
    }

    /** The next item, or null (undefined) on the last iteration. */
    public Object getNextitem() {
        return position + 1 < items.size() ? items.get(position + 1) : null;
    }
}
