// Owns: TWS's second-factor window, a JFrame (Gateway's is a JDialog; IBC's
// SecondFactorAuthenticationDialogHandler.java accepts either and notes TWS uses a frame). The
// content and its logic are TwoFactorDialog's, shown in this frame instead.
package ibgateway.sim;

import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.WindowConstants;

final class TwsTwoFactorFrame extends JFrame {
    TwsTwoFactorFrame(TwoFactorDialog content) {
        super(Strings.TWOFA_TITLE);
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) {
                content.closedByUser();
            }
        });
        content.readOnlyButton = true;
        content.host = this::show;
        Rec.window(this);
    }

    private void show(JPanel panel) {
        Ui.edt(() -> {
            setContentPane(panel);
            pack();
            setSize(Math.max(getWidth(), 420), getHeight());
            setLocationRelativeTo(null);
            revalidate();
            repaint();
        });
    }
}
