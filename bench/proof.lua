-- The load of bench/proof.sh under wrk, one connection per wrk thread (-tN -cN), so
-- that each thread is a little state machine on its own keep-alive connection:
--   book:    as enterprise N (its session from SESSIONS, line N+1 "cookie csrf"):
--            create a heavy-truck booking -> fill it (PATCH) -> submit, again and again;
--            the submitted ids go to OUT.N, one a line.
--   release: as that enterprise, GET each id of OUT.N's release code; the tokens go to
--            OUT.N.tokens; the thread stops when its ids are done.
--   scan:    as the gate (SESSIONS' first line), POST each token of OUT.N.tokens once;
--            the thread stops when its tokens are done.
-- In release and scan, each thread leaves OUT.N.MODE-done when it is through, so that
-- proof.sh can end wrk (SIGINT) rather than wait for its -d.
--   wrk -tN -cN -dD -s bench/proof.lua URL -- MODE SESSIONS OUT DATE
-- done() prints "MODE ok=K failed=F first_failure=..." for proof.sh to read.
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("n", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

-- mode, ok, failed and first_failure are globals: done() reads them with thread:get()
local out, date, cookie, csrf, ids, pos, state, booking, serial, sink, finished

local function lines(path)
	local t = {}
	local f = io.open(path)
	if f then
		for l in f:lines() do t[#t + 1] = l end
		f:close()
	end
	return t
end

function init(args)
	mode, out, date = args[1], args[3], args[4]
	local sessions = lines(args[2])
	local line = sessions[mode == "scan" and 1 or n + 1]
	cookie, csrf = line:match("^(%S+) (%S+)$")
	ok, failed, first_failure, serial, pos, state = 0, 0, "", 0, 0, "create"
	if mode == "book" then
		sink = io.open(out .. "." .. n, "w")
	elseif mode == "release" then
		ids = lines(out .. "." .. n)
		sink = io.open(out .. "." .. n .. ".tokens", "w")
	else
		ids = lines(out .. "." .. n .. ".tokens")
	end
end

local function call(method, path, body)
	local h = {["Cookie"] = "kouan_session=" .. cookie, ["X-CSRF-Token"] = csrf}
	if body then h["Content-Type"] = "application/json" end
	return wrk.format(method, path, h, body)
end

-- a booking's fields: a declaration number and a plate of its own
local function fill()
	local k = n * 100000 + serial
	return string.format('{"clearance_mode":"一般申报","cargo_type":"一般货物","customs_warehouse":"国际物流园监管库",'
		.. '"contact":"13912345678","transshipment_site_id":1,"crossing_date":"%s","is_transit":true,"truck_count":1,'
		.. '"declaration_no":"9402202601%08d","plates":["新F%05d"]}', date, k, k % 100000)
end

function request()
	if mode == "book" then
		if state == "create" then return call("POST", "/api/v1/bookings", '{"kind":"heavy_truck"}') end
		if state == "fill" then return call("PATCH", "/api/v1/bookings/" .. booking, fill()) end
		return call("POST", "/api/v1/bookings/" .. booking .. "/submit", nil)
	end
	if pos >= #ids then
		-- wrk's main thread sleeps the whole -d; proof.sh interrupts it once every thread has said so
		if not finished then io.open(out .. "." .. n .. "." .. mode .. "-done", "w"):close() end
		finished = true
		wrk.thread:stop()
		pos = 0	-- a last request may still be asked for while the thread stops
	end
	pos = pos + 1
	if mode == "release" then return call("GET", "/api/v1/bookings/" .. ids[pos] .. "/release", nil) end
	return call("POST", "/api/v1/gate/scans", '{"token":"' .. ids[pos] .. '","gate":"一号卡口"}')
end

local function fail(status, body)
	failed = failed + 1
	if first_failure == "" then first_failure = status .. " " .. body:sub(1, 160):gsub("%s", " ") end
end

local function book(status, body)
	if state == "create" and status == 201 then
		booking, state = body:match('"id":(%d+)'), "fill"
	elseif state == "fill" and status == 200 then
		state = "submit"
	elseif state == "submit" and status == 200 then
		ok, serial, state = ok + 1, serial + 1, "create"
		sink:write(booking, "\n")
	else
		fail(status, body)
		serial, state = serial + 1, "create"
	end
end

function response(status, headers, body)
	if mode == "book" then
		book(status, body)
	elseif mode == "release" then
		local token = status == 200 and body:match('"token":"([^"]+)"')
		if token then
			ok = ok + 1
			sink:write(token, "\n")
		else
			fail(status, body)
		end
	elseif status == 200 and body:find('"result":"green"', 1, true) then
		ok = ok + 1
	else
		fail(status, body)
	end
end

function done(summary, latency, requests)
	local total_ok, total_failed, first = 0, 0, ""
	for _, t in ipairs(threads) do
		total_ok = total_ok + t:get("ok")
		total_failed = total_failed + t:get("failed")
		if first == "" then first = t:get("first_failure") end
	end
	io.write(string.format("%s ok=%d failed=%d seconds=%.3f first_failure=%s\n", threads[1]:get("mode"), total_ok,
		total_failed, summary.duration / 1e6, first))
end
