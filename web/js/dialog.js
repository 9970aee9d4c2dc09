// A modal dialog on the native <dialog> element: focus is trapped by the browser, Escape
// closes it, and focus returns to the control that opened it.
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { messageBox, showApiError, busy } from './forms.js';

// openDialog({title, body: [nodes], confirmLabel, danger, fields, onConfirm}) -> Promise<bool>.
// onConfirm may throw an ApiError; it is shown inside the dialog, which stays open.
export function openDialog({ title, body = [], confirmLabel, danger = false, fields = {}, onConfirm }) {
	return new Promise((resolve) => {
		const opener = document.activeElement;
		const titleId = uid('dlg');
		const box = messageBox();
		const ok = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary' },
			confirmLabel || t('common.confirm'));
		const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
		const form = h('form', { class: 'dialog-form', novalidate: true },
			h('h2', { id: titleId }, title), box.el, body, h('div', { class: 'actions' }, ok, cancel));
		const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
		let done = false;
		const finish = (result) => {
			if (done)
				return;
			done = true;
			dlg.close();
			dlg.remove();
			if (opener && opener.isConnected)
				opener.focus();
			resolve(result);
		};
		cancel.addEventListener('click', () => finish(false));
		dlg.addEventListener('cancel', (e) => {
			e.preventDefault();
			finish(false);
		});
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			const restore = busy(ok);
			try {
				if (onConfirm)
					await onConfirm();
				finish(true);
			} catch (err) {
				restore();
				showApiError(box, err, fields);
			}
		});
		document.body.appendChild(dlg);
		dlg.showModal();
	});
}
