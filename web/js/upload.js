// File import dialogs (报关单导入, 车架号导入): a drop zone that is also a file chooser, the chosen
// file listed with a remove action (附件文件 / 操作), progress while it uploads and while the server
// works on it, the server's refusal in the user's language, and the buttons 导入 / 取消 (/ 下一步).
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { messageBox } from './forms.js';

const PERCENT = 100;
const KIB = 1024;

export function formatSize(bytes) {
	if (!(bytes >= 0))
		return '';
	if (bytes < KIB)
		return t('upload.bytes', { n: bytes });
	if (bytes < KIB * KIB)
		return t('upload.kib', { n: (bytes / KIB).toFixed(1) });
	return t('upload.mib', { n: (bytes / KIB / KIB).toFixed(1) });
}

// dropZone({accept, text, onFile}) -> {el, input}. The input is a real, focusable file input (the
// label opens the chooser, Enter or Space on the input too); dropping a file does the same as choosing it.
export function dropZone({ accept, text, onFile }) {
	const id = uid('file');
	const input = h('input', { type: 'file', id, name: 'file', accept, class: 'dropzone-input' });
	const el = h('div', { class: 'dropzone' }, input,
		h('label', { for: id, class: 'dropzone-label' },
			h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⇪'),
			h('span', {}, text)));
	input.addEventListener('change', () => {
		if (input.files && input.files[0])
			onFile(input.files[0]);
		input.value = '';
	});
	const over = (on) => (e) => {
		e.preventDefault();
		el.classList.toggle('dragover', on);
	};
	el.addEventListener('dragenter', over(true));
	el.addEventListener('dragover', over(true));
	el.addEventListener('dragleave', over(false));
	el.addEventListener('drop', (e) => {
		over(false)(e);
		const files = e.dataTransfer && e.dataTransfer.files;
		if (files && files[0])
			onFile(files[0]);
	});
	return { el, input };
}

// importDialog({title, accept, zoneText, top: [nodes], links: [nodes], send(file, onProgress, signal) ->
// Promise<result>, onNext(result) -> Promise}) -> Promise<result|null>. 取消 (or Escape) stops an
// upload under way.
// Without onNext the dialog closes as soon as send succeeds and resolves with its result.
export function importDialog({ title, accept, zoneText, top = [], links = [], send, onNext }) {
	return new Promise((resolve) => {
		const opener = document.activeElement;
		const titleId = uid('dlg');
		const box = messageBox();
		let file = null;
		let result = null;
		let running = false;
		let aborter = null;         // stops the upload under way when the dialog is cancelled

		const listBody = h('tbody', {});
		const list = h('table', { class: 'table file-list' },
			h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('upload.file')),
				h('th', { scope: 'col' }, t('upload.actions')))), listBody);
		const bar = h('progress', { max: String(PERCENT), class: 'upload-progress', hidden: true });
		const barText = h('p', { class: 'progress-text', role: 'status', 'aria-live': 'polite' });
		const importBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'import' }, t('upload.import'));
		const cancelBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'cancel' }, t('common.cancel'));
		const nextBtn = onNext
			? h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'next', disabled: true }, t('upload.next'))
			: null;
		const zone = dropZone({ accept, text: zoneText, onFile: choose });

		function showFile() {
			listBody.replaceChildren();
			if (!file) {
				listBody.append(h('tr', {}, h('td', { colspan: '2', class: 'empty' }, t('upload.none'))));
				return;
			}
			listBody.append(h('tr', { 'data-file': file.name },
				h('td', {}, h('span', { class: 'file-name' }, file.name), ' ',
					h('span', { class: 'count' }, formatSize(file.size))),
				h('td', {}, h('button', {
					type: 'button', class: 'btn btn-small btn-danger-outline', 'data-action': 'remove',
					'aria-label': t('upload.remove_named', { name: file.name }),
					disabled: running, onclick: remove,
				}, t('upload.remove')))));
		}

		function choose(f) {
			if (running)
				return;
			file = f;
			result = null;
			box.clear();
			progress(undefined);
			if (nextBtn)
				nextBtn.disabled = true;
			showFile();
		}

		function remove() {
			choose(null);
			zone.input.focus();
		}

		// progress(0..1): sending; null: sent, the server works; undefined: idle.
		function progress(share) {
			bar.hidden = share === undefined;
			if (share === undefined) {
				barText.textContent = '';
			} else if (share === null) {
				bar.removeAttribute('value');
				barText.textContent = t('upload.working');
			} else {
				const pct = Math.round(share * PERCENT);
				bar.value = pct;
				barText.textContent = t('upload.sending', { pct });
			}
		}

		async function run() {
			if (!file) {
				box.error(t('upload.choose_first'));
				zone.input.focus();
				return;
			}
			running = true;
			importBtn.disabled = true;
			importBtn.setAttribute('aria-busy', 'true');
			box.clear();
			showFile();
			progress(0);
			aborter = new AbortController();
			try {
				result = await send(file, progress, aborter.signal);
				progress(undefined);
				if (!onNext) {
					finish(result);
					return;
				}
				box.success(t('upload.done', { name: file.name }));
				nextBtn.disabled = false;
				nextBtn.focus();
			} catch (err) {
				progress(undefined);
				if (err.code !== 'aborted')
					box.error(err.message || t('app.error_network'));
			} finally {
				aborter = null;
				running = false;
				importBtn.disabled = false;
				importBtn.removeAttribute('aria-busy');
				if (dlg.open)
					showFile();
			}
		}

		const body = h('div', { class: 'dialog-form import-form' },
			h('h2', { id: titleId }, title), top, zone.el, links.length ? h('div', { class: 'import-links' }, links) : null,
			list, bar, barText, box.el,
			h('div', { class: 'actions' }, importBtn, cancelBtn, nextBtn));
		const dlg = h('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': titleId }, body);
		let done = false;
		function finish(value) {
			if (done)
				return;
			done = true;
			dlg.close();
			dlg.remove();
			if (opener && opener.isConnected)
				opener.focus();
			resolve(value);
		}
		importBtn.addEventListener('click', run);
		const cancel = () => {
			if (aborter)
				aborter.abort();
			finish(null);
		};
		cancelBtn.addEventListener('click', cancel);
		dlg.addEventListener('cancel', (e) => {
			e.preventDefault();
			cancel();
		});
		if (nextBtn) {
			nextBtn.addEventListener('click', async () => {
				nextBtn.disabled = true;
				try {
					await onNext(result);
					finish(result);
				} catch (err) {
					nextBtn.disabled = false;
					box.error(err.message || t('app.error_network'));
				}
			});
		}
		showFile();
		document.body.appendChild(dlg);
		dlg.showModal();
		zone.input.focus();
	});
}
