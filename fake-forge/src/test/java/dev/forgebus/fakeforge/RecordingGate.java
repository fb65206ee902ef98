package dev.forgebus.fakeforge;

import java.util.ArrayList;
import java.util.List;

import dev.forgebus.forge.CallGate;

/** A {@link CallGate} that lets everything through and remembers every acquire and observe, in order. */
final class RecordingGate implements CallGate {

    /** One call on the gate: {@code acquire} or {@code observe}, with its credential id. */
    record Event(String kind, String credentialId, Observation observation) {
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void acquire(String credentialId) {
        events.add(new Event("acquire", credentialId, null));
    }

    @Override
    public synchronized void observe(String credentialId, Observation observation) {
        events.add(new Event("observe", credentialId, observation));
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** "acquire:id", "observe:id", ... */
    synchronized List<String> sequence() {
        return events.stream().map(e -> e.kind() + ":" + e.credentialId()).toList();
    }

    synchronized List<Observation> observations() {
        return events.stream().filter(e -> e.kind().equals("observe")).map(Event::observation).toList();
    }
}
