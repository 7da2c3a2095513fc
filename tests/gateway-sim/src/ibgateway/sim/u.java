// Owns: the 2FA code field. Gateway's is an obfuscated class named `u` with no name and no
// accessible name (sources.md peers A8), so controllers cannot find it by name; neither can they here.
package ibgateway.sim;

import javax.swing.JTextField;

@SuppressWarnings("serial")
public class u extends JTextField {
    public u() {
        super(10);
    }
    // No setName, no labelFor: the accessible name stays null, like the real field.
}
