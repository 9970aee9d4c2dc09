// The two imports of a booking: 报关单导入 (a declaration PDF, uploaded and recognised by the server)
// and 车架号导入 (a VIN spreadsheet into the vehicle rows, with the template to download).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { upload, fileUrl } from '../api.js';
import { importDialog } from '../upload.js';
import { label } from '../domain.js';

const PDF = '.pdf,application/pdf';
const SHEETS = '.xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,'
	+ 'application/vnd.ms-excel,text/csv';

function sendFile(path, file, progress, extra = {}, signal) {
	const form = new FormData();
	for (const [k, v] of Object.entries(extra))
		form.append(k, v);
	form.append('file', file, file.name);
	return upload(path, form, progress, signal);
}

// The declaration import. onNext({id, declaration}) runs on 下一步 (it creates or fills the booking).
export function importDeclaration(kind, onNext) {
	return importDialog({
		title: t('import.heading'),
		accept: PDF,
		zoneText: t('import.zone'),
		top: [h('p', { class: 'import-kind' }, t('import.kind'), ' ',
			h('strong', { 'data-testid': 'import-kind' }, label('kinds', kind)))],
		send: (file, progress, signal) => sendFile('/declarations', file, progress, {}, signal),
		onNext,
	});
}

// The VIN import into booking id: resolves with the server's answer, or null when cancelled.
export function importVins(bookingId) {
	const template = h('a', {
		href: fileUrl('/vin-template.xlsx'), download: 'vin-template.xlsx', class: 'btn btn-small', 'data-action': 'template',
	}, t('vins.template'));
	return importDialog({
		title: t('vins.heading'),
		accept: SHEETS,
		zoneText: t('vins.zone'),
		links: [template, h('span', { class: 'hint' }, t('vins.template_hint'))],
		send: (file, progress, signal) => sendFile(`/bookings/${encodeURIComponent(bookingId)}/vehicles/import`, file, progress, {},
			signal),
	});
}

// An attachment (随附单证) of a booking: resolves with the server's answer.
export function sendAttachment(bookingId, type, file, progress) {
	return sendFile(`/bookings/${encodeURIComponent(bookingId)}/attachments`, file, progress, { type });
}
